package io.paddock.auth;

import io.paddock.shared.auth.Handles;
import io.paddock.shared.http.Problem.FieldError;
import io.paddock.shared.http.StorableText;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a new account's fields must look like, and how they are normalised before they are stored or
 * compared. Plain functions, so the rules are tested directly.
 *
 * <ul>
 * <li>Passwords follow NIST SP 800-63B: 8 to 128 characters counted as Unicode code points, any
 * printable character (spaces and emoji too), no composition rules, not one of the 1,000 most common
 * passwords. They are NFKC-normalised before hashing (800-63B §5.1.1.2), so "é" typed composed or
 * decomposed is the same password. Control characters are refused: they cannot be typed reliably.</li>
 * <li>E-mail addresses are trimmed and their domain lower-cased; the local part keeps its case (the
 * database compares lower(email) for uniqueness and login). Only the common dot-atom form with an
 * ASCII host name is accepted.</li>
 * <li>Handles are {@code ^[a-z0-9_]{3,30}$} as given: nothing is silently rewritten.</li>
 * <li>Display names are optional, trimmed, NFC-normalised, 1 to 100 code points, without control
 * characters, zero-width characters or bidirectional formatting characters (every Unicode format
 * character but a zero-width joiner inside an emoji sequence), which make a name display as something
 * else or look like another one.</li>
 * </ul>
 * Passwords and display names first pass the shared {@link StorableText} check (no NUL, no unpaired
 * surrogate), with its wording, as text on every other route does.
 */
public final class AccountRules {

    public static final int PASSWORD_MIN = 8;
    public static final int PASSWORD_MAX = 128;
    public static final int DISPLAY_NAME_MAX = 100;
    public static final int EMAIL_MAX = 254;

    private static final Pattern LOCAL_PART = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private AccountRules() {
    }

    /** The address as stored: trimmed, domain lower-cased; empty when it is not an acceptable address. */
    public static Optional<String> normaliseEmail(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String email = raw.strip();
        if (email.length() < 3 || email.length() > EMAIL_MAX) {
            return Optional.empty();
        }
        int at = email.lastIndexOf('@');
        if (at < 1 || at == email.length() - 1) {
            return Optional.empty();
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        if (local.length() > 64 || !LOCAL_PART.matcher(local).matches() || !validHost(domain)) {
            return Optional.empty();
        }
        return Optional.of(local + "@" + domain.toLowerCase(Locale.ROOT));
    }

    private static boolean validHost(String domain) {
        if (domain.length() > 253) {
            return false;
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /** The password as it is hashed: NFKC, then UTF-8. */
    public static byte[] passwordBytes(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8);
    }

    /** Why a new password is refused, or empty when it is acceptable. */
    public static Optional<String> passwordProblem(String password) {
        String unstorable = StorableText.problem(password);
        if (unstorable != null) {
            return Optional.of("must not contain " + unstorable);
        }
        if (password.codePoints().anyMatch(cp -> Character.getType(cp) == Character.CONTROL)) {
            return Optional.of("must not contain control characters");
        }
        String normalised = Normalizer.normalize(password, Normalizer.Form.NFKC);
        int length = normalised.codePointCount(0, normalised.length());
        if (length < PASSWORD_MIN) {
            return Optional.of("must be at least " + PASSWORD_MIN + " characters long");
        }
        if (length > PASSWORD_MAX) {
            return Optional.of("must be at most " + PASSWORD_MAX + " characters long");
        }
        if (CommonPasswords.contains(normalised)) {
            return Optional.of("is one of the most common passwords; choose another");
        }
        return Optional.empty();
    }

    /** The display name as stored (trimmed, NFC), or null when none was given. */
    public static String normaliseDisplayName(String raw) {
        return raw == null ? null : Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
    }

    public static Optional<String> displayNameProblem(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String unstorable = StorableText.problem(raw);
        if (unstorable != null) {
            return Optional.of("must not contain " + unstorable);
        }
        String name = normaliseDisplayName(raw);
        if (name.isEmpty()) {
            return Optional.of("must not be blank when given");
        }
        if (hasHiddenOrControl(name)) {
            return Optional.of("must not contain control, zero-width or bidirectional formatting characters");
        }
        if (name.codePointCount(0, name.length()) > DISPLAY_NAME_MAX) {
            return Optional.of("must be at most " + DISPLAY_NAME_MAX + " characters long");
        }
        return Optional.empty();
    }

    /** Every field error of a registration, in field order; empty when it may proceed. */
    public static List<FieldError> registrationProblems(String email, String password, String handle, String displayName) {
        List<FieldError> errors = new ArrayList<>();
        if (email != null && normaliseEmail(email).isEmpty()) {
            errors.add(new FieldError("email", "must be an e-mail address like name@example.com"));
        }
        if (password != null) {
            passwordProblem(password).ifPresent(p -> errors.add(new FieldError("password", p)));
        }
        if (handle != null && !Handles.isValid(handle)) {
            errors.add(new FieldError("handle", "must be 3 to 30 characters of a-z, 0-9 and _"));
        }
        displayNameProblem(displayName).ifPresent(p -> errors.add(new FieldError("displayName", p)));
        return errors;
    }

    /**
     * Control characters, line and paragraph separators, and every format character (Unicode category Cf):
     * the bidirectional embeddings, overrides, isolates and marks (U+202A–202E, U+2066–2069, U+200E/200F,
     * U+061C), the zero-width space, non-joiner and joiner (U+200B–200D), the word joiner and invisible
     * operators (U+2060–2064), the byte-order mark (U+FEFF), soft hyphen and tag characters. They make a
     * name display as something it is not, or look identical to another one. One exception: a zero-width
     * joiner between two emoji, which is how emoji such as a family or a profession are written.
     */
    static boolean hiddenOrControlAt(int[] cps, int i) {
        int cp = cps[i];
        int type = Character.getType(cp);
        if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
            return true;
        }
        if (type != Character.FORMAT) {
            return false;
        }
        return !(cp == 0x200D && i > 0 && i + 1 < cps.length && emojiPart(cps[i - 1])
                && Character.isExtendedPictographic(cps[i + 1]));
    }

    private static boolean emojiPart(int cp) {
        return Character.isExtendedPictographic(cp) || Character.isEmojiModifier(cp) || cp == 0xFE0F;
    }

    private static boolean hasHiddenOrControl(String name) {
        int[] cps = name.codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            if (hiddenOrControlAt(cps, i)) {
                return true;
            }
        }
        return false;
    }
}
