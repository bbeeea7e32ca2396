package io.paddock.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** #13 finding 11: display names refuse zero-width and bidirectional formatting characters, and only those. */
class DisplayNameRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"A\u200Bda", "A\u200Cda", "A\u200Dda", "\u200DAda", "Ada\u200D", "Ada\u200E", "Ada\u200F",
            "Ada\u061C", "\u202AAda", "Ada \u202Egnp.exe", "\u2066Ada\u2069", "\u2067Ada", "\u2068Ada", "Ad\u2060a",
            "Ada\u2062", "\uFEFFAda", "Ad\u00ADa", "Ada\uDB40\uDC41", "Ada\u2028Admin", "Ada\u2029Admin", "Ada\u0007",
            "Ada\u0085", "\uD83D\uDE00\u200DAda", "Ada\u200D\uD83D\uDE00"})
    void invisibleOrControlCharactersAreRefused(String name) {
        assertEquals(Optional.of("must not contain control, zero-width or bidirectional formatting characters"),
                AccountRules.displayNameProblem(name), () -> name.codePoints().mapToObj(Integer::toHexString).toList().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ada Lovelace", "Zoë", "José Álvarez", "محمد", "שלום", "李小龍", "Ada \uD83D\uDE00",
            // Emoji written with a zero-width joiner: 👩‍💻, 👨‍👩‍👧, 🏳️‍🌈 (with VS16), 👩🏽‍🚀 (with a skin tone)
            "Ada \uD83D\uDC69\u200D\uD83D\uDCBB", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
            "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08", "\uD83D\uDC69\uD83C\uDFFD\u200D\uD83D\uDE80"})
    void ordinaryNamesAndEmojiSequencesAreAccepted(String name) {
        assertTrue(AccountRules.displayNameProblem(name).isEmpty(), name);
    }
}
