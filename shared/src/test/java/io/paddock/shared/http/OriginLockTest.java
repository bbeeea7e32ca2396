package io.paddock.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.config.InvalidConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Which values of X-Origin-Verify let a request through, and which secrets the lock refuses to start with. */
class OriginLockTest {

    private static final String CURRENT = "current-origin-secret-0123456789abcdef";
    private static final String PREVIOUS = "previous-origin-secret-0123456789abcdef";
    private static final UnaryOperator<String> NO_SECRETS_MANAGER = arn -> {
        throw new AssertionError("no ARN expected, got " + arn);
    };

    @Test
    void withoutSecretsEveryRequestPasses() {
        OriginLock off = new OriginLock(List.of(), NO_SECRETS_MANAGER);
        assertFalse(off.locked());
        assertTrue(off.admits(null));
        assertTrue(off.admits("anything"));
    }

    @Test
    void theCurrentAndThePreviousSecretPassAndNothingElse() {
        OriginLock lock = new OriginLock(List.of(CURRENT, " " + PREVIOUS + " "), NO_SECRETS_MANAGER);
        assertTrue(lock.locked());
        assertTrue(lock.admits(CURRENT));
        assertTrue(lock.admits(PREVIOUS));
        assertFalse(lock.admits(null));
        assertFalse(lock.admits(""));
        assertFalse(lock.admits(CURRENT.substring(0, CURRENT.length() - 1)));
        assertFalse(lock.admits(CURRENT + "x"));
        assertFalse(lock.admits(CURRENT.toUpperCase()));
        assertFalse(lock.admits(CURRENT + "," + PREVIOUS));
    }

    @Test
    void theFunctionsOwnRequestsPresentTheCurrentSecretAndPass() {
        OriginLock lock = new OriginLock(List.of(CURRENT, PREVIOUS), NO_SECRETS_MANAGER);
        assertEquals(java.util.Optional.of(CURRENT), lock.currentSecret());
        assertTrue(lock.admits(lock.currentSecret().orElseThrow()));
        assertTrue(new OriginLock(List.of(), NO_SECRETS_MANAGER).currentSecret().isEmpty());
    }

    @Test
    void aSecretHeldInSecretsManagerIsReadOnceAtInit() {
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:paddock/origin-AbCdEf";
        List<String> asked = new ArrayList<>();
        OriginLock lock = new OriginLock(List.of(arn, PREVIOUS), value -> {
            asked.add(value);
            return CURRENT + "\n";
        });
        assertEquals(List.of(arn), asked);
        assertTrue(lock.admits(CURRENT));
        assertTrue(lock.admits(PREVIOUS));
        assertFalse(lock.admits(arn));
        assertEquals(1, asked.size(), "read at init, not per request");
    }

    @Test
    void aShortSecretStopsTheStartNamingItsPositionAndLengthNotItsValue() {
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:paddock/origin-AbCdEf";
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new OriginLock(List.of(CURRENT, "too-short-secret", arn), value -> "short-from-manager"));
        String message = e.getMessage();
        assertTrue(message.contains("PADDOCK_HTTP_ORIGIN_SECRETS"), message);
        assertTrue(message.contains("secret 2 has 16 characters"), message);
        assertTrue(message.contains("secret 3 (from Secrets Manager) has 18 characters"), message);
        assertFalse(message.contains("too-short-secret") || message.contains("short-from-manager"), message);
    }
}
