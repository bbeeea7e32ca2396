package io.paddock.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The common-password blocklist shipped as {@code common-passwords.txt} (source and licence in its
 * header). Entries are lower-case; candidates are compared lower-cased, so "PassWord1" is as common
 * as "password1".
 */
public final class CommonPasswords {

    static final String RESOURCE = "/common-passwords.txt";
    private static final Set<String> LIST = load();

    private CommonPasswords() {
    }

    public static boolean contains(String normalisedPassword) {
        return LIST.contains(normalisedPassword.toLowerCase(Locale.ROOT));
    }

    static int size() {
        return LIST.size();
    }

    private static Set<String> load() {
        try (InputStream in = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the auth function");
            }
            Set<String> entries = new HashSet<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    entries.add(line.toLowerCase(Locale.ROOT));
                }
            }
            return Set.copyOf(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
