package io.paddock.shared.config;

import java.util.List;

/** A setting that cannot work, found at container start (Lambda init): the message lists every problem by key. */
public final class InvalidConfigurationException extends RuntimeException {
    public InvalidConfigurationException(List<String> problems) {
        super("Invalid configuration:\n  - " + String.join("\n  - ", problems));
    }
}
