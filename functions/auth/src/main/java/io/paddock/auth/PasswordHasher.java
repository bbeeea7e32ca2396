package io.paddock.auth;

import io.paddock.shared.ids.RenewableRandom;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, unpadded standard Base64), so every hash
 * carries the parameters it was made with and other Argon2 implementations can read it.
 *
 * <p>Passwords are hashed as the UTF-8 bytes of their NFKC form (see {@link AccountRules#passwordBytes}),
 * so the same password typed on different keyboards (composed or decomposed accents) matches.
 *
 * <p>{@link #verifyAgainstDummy} spends the same work as a real verification: login answers an
 * unknown e-mail address as slowly as a wrong password, so timing does not tell which accounts exist.
 */
@ApplicationScoped
@Startup // the dummy hash is made at init, so it is in the SnapStart snapshot and never on a request
public class PasswordHasher {

    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=(\\d+)\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    /** The parameters of one hash. */
    public record Parameters(int memoryKib, int iterations, int parallelism) {
    }

    private final Parameters configured;
    /** Salts: renewed after every SnapStart restore, so restored copies never salt two passwords alike. */
    private final RenewableRandom random = RenewableRandom.create();
    private final String dummyHash;

    @Inject
    public PasswordHasher(Argon2Settings settings) {
        this(new Parameters(settings.memoryKib(), settings.iterations(), settings.parallelism()));
    }

    public PasswordHasher(Parameters configured) {
        this.configured = configured;
        byte[] throwaway = new byte[32];
        random.nextBytes(throwaway);
        this.dummyHash = hash(throwaway);
    }

    /** A new PHC string for the password with the configured parameters and a fresh salt. */
    public String hash(byte[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, configured, HASH_BYTES);
        return "$argon2id$v=19$m=" + configured.memoryKib() + ",t=" + configured.iterations() + ",p="
                + configured.parallelism() + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether the password matches the stored PHC string; false for anything that is not an Argon2id hash. */
    public boolean verify(byte[] password, String stored) {
        Optional<Decoded> decoded = decode(stored);
        if (decoded.isEmpty()) {
            // Not a hash we can check (e.g. a disabled account): spend the same time anyway.
            verify(password, dummyHash);
            return false;
        }
        Decoded d = decoded.get();
        byte[] candidate = derive(password, d.salt(), d.parameters(), d.hash().length);
        return MessageDigest.isEqual(candidate, d.hash());
    }

    /** The work of one verification against a hash no password matches (login of an unknown e-mail). */
    public void verifyAgainstDummy(byte[] password) {
        verify(password, dummyHash);
    }

    /** True when the stored hash is weaker than what is configured now: rehash at the next successful login. */
    public boolean needsRehash(String stored) {
        return decode(stored).map(d -> d.parameters().memoryKib() < configured.memoryKib()
                || d.parameters().iterations() < configured.iterations()
                || d.hash().length < HASH_BYTES
                || d.salt().length < SALT_BYTES).orElse(false);
    }

    public Parameters configured() {
        return configured;
    }

    record Decoded(Parameters parameters, byte[] salt, byte[] hash) {
    }

    static Optional<Decoded> decode(String stored) {
        if (stored == null) {
            return Optional.empty();
        }
        Matcher m = PHC.matcher(stored);
        if (!m.matches() || !"19".equals(m.group(1))) {
            return Optional.empty();
        }
        try {
            Parameters p = new Parameters(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)));
            // Bounds keep a corrupted row from asking for gigabytes or hours.
            if (p.memoryKib() < 8 * p.parallelism() || p.memoryKib() > 4 * 1048576 || p.iterations() < 1
                    || p.parallelism() < 1 || p.parallelism() > 255) {
                return Optional.empty();
            }
            return Optional.of(new Decoded(p, B64_DECODER.decode(m.group(5)), B64_DECODER.decode(m.group(6))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static byte[] derive(byte[] password, byte[] salt, Parameters p, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKib())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt)
                .build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }
}
