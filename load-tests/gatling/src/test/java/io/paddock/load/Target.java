package io.paddock.load;

import java.time.Duration;

/**
 * What every simulation reads from system properties (load-tests/gatling/run.sh sets them): the base URL, short
 * mode, and the viewer addresses it plays. Viewer addresses reach the origin only through the edge stand-in in
 * simulation mode ({@code ./paddock edge --simulation}), which takes a local client's X-Forwarded-For as the
 * viewer; against a deployed stage every request comes from this machine's one address.
 */
final class Target {

    static final String BASE_URL = System.getProperty("paddock.baseUrl", "http://127.0.0.1:8080");
    /** Seconds and small counts: what .ci/run can afford, asserting statuses and counts only. */
    static final boolean SHORT = Boolean.parseBoolean(System.getProperty("paddock.short", "false"));

    private Target() {
    }

    static int number(String name, int full, int shortMode) {
        return Integer.getInteger("paddock." + name, SHORT ? shortMode : full);
    }

    static Duration seconds(String name, int full, int shortMode) {
        return Duration.ofSeconds(number(name, full, shortMode));
    }

    static String address(String name, String fallback) {
        return System.getProperty("paddock." + name, fallback);
    }
}
