package io.paddock.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Argon2id cost of new password hashes (env PADDOCK_AUTH_ARGON2_MEMORY_KIB, ..._ITERATIONS, ..._PARALLELISM).
 * The defaults are the second recommended option of RFC 9106 / OWASP (m = 19 MiB, t = 2, p = 1). Stored
 * hashes carry their own parameters, so raising these later takes effect at each user's next login.
 */
@ConfigMapping(prefix = "paddock.auth.argon2")
public interface Argon2Settings {

    /** Memory per hash in KiB; at least 19 MiB outside tests (RFC 9106 floor for t = 2). */
    @WithDefault("19456")
    @Min(1024) @Max(1048576)
    int memoryKib();

    @WithDefault("2")
    @Min(1) @Max(20)
    int iterations();

    @WithDefault("1")
    @Min(1) @Max(16)
    int parallelism();
}
