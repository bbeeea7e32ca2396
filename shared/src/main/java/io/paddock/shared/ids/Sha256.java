package io.paddock.shared.ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests, as raw bytes or lowercase hex: entity tags, idempotency fingerprints, refresh-token
 * hashes, the origin lock's constant-time comparison and the login back-off's keys. Text is hashed as UTF-8.
 */
public final class Sha256 {

    private Sha256() {
    }

    /** The digest of {@code parts} written one after the other. */
    public static byte[] digest(byte[]... parts) {
        MessageDigest digest = newDigest();
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    public static byte[] digest(String text) {
        return digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** 64 lowercase hex characters. */
    public static String hex(byte[]... parts) {
        return HexFormat.of().formatHex(digest(parts));
    }

    public static String hex(String text) {
        return hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh SHA-256 digest, for hashing what is written as it is written (a digest is not thread-safe). */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256 (Java SE requires it)", e);
        }
    }
}
