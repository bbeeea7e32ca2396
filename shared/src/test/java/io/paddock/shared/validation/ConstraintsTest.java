package io.paddock.shared.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.paddock.shared.http.StorableText.Storable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConstraintsTest {

    record Post(@NotNull(message = "is required") @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
            @Size(max = 10, message = "must be at most 10 characters") @Storable String body,
            @Size(max = 2) List<@NotNull(message = "must be entity ids") UUID> targets) {
    }

    record Batch(@NotBlank String owner, @Valid List<Item> items, @Valid Item first) {
    }

    record Item(@Min(1) @Max(5) int count, @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) double share) {
    }

    record Pair(String a, String b) implements CheckedAsAWhole {
        @Override
        public List<Constraints.Violation> problems() {
            return a != null && a.equals(b) ? List.of(new Constraints.Violation("b", "must differ from a")) : List.of();
        }
    }

    record Unchecked(@Email String email) {
    }

    private static List<String> broken(Object body) {
        return Constraints.ofRecord(body).stream().map(v -> v.path() + " " + v.message()).toList();
    }

    @Test
    void aValidRecordHasNoProblems() {
        assertEquals(List.of(), broken(new Post("hello", List.of(UUID.randomUUID()))));
        assertEquals(List.of(), broken(new Post("hello", null)));
    }

    @Test
    void eachBrokenRuleIsNamedByItsFieldWithTheMessageWrittenOnIt() {
        assertEquals(List.of("body is required"), broken(new Post(null, null)), "a null field breaks only not-null");
        assertEquals(List.of("body must not be blank"), broken(new Post(" \n ", null)));
        assertEquals(List.of("body must not be blank", "body must be at most 10 characters"), broken(new Post(" ".repeat(11), null)));
        assertEquals(List.of("body must not contain a NUL character (U+0000)"), broken(new Post("a\0b", null)));
        assertEquals(List.of("targets size must be between 0 and 2"),
                broken(new Post("x", List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()))));
    }

    @Test
    void aPatternMustMatchTheWholeValue() {
        record Kind(@Pattern(regexp = "like|save") String type) {
        }
        assertEquals(List.of(), broken(new Kind("like")));
        assertEquals(List.of("type must match \"like|save\""), broken(new Kind("xlikex")));
    }

    @Test
    void listElementsAndNestedRecordsAreCheckedWhereAsked() {
        assertEquals(List.of("targets[1] must be entity ids"), broken(new Post("x", Arrays.asList(UUID.randomUUID(), null))));
        List<String> problems = broken(new Batch("", List.of(new Item(1, 0.5), new Item(9, 1.0)), new Item(0, Double.NaN)));
        assertEquals(List.of("owner must not be blank", "items[1].count must be less than or equal to 5",
                "items[1].share must be less than 1", "first.count must be greater than or equal to 1",
                "first.share must be greater than or equal to 0", "first.share must be less than 1"), problems);
    }

    @Test
    void rulesAcrossFieldsComeFromTheRecordItself() {
        assertEquals(List.of("b must differ from a"), broken(new Pair("x", "x")));
        assertEquals(List.of(), broken(new Pair("x", "y")));
    }

    @Test
    void aRuleThisClassDoesNotCheckIsRefusedRatherThanIgnored() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> broken(new Unchecked("a@b.c")));
        assertTrue(e.getMessage().contains("@Email on email"), e.getMessage());
    }

    @Test
    void aDurationSettingMustLieInItsRange() throws Exception {
        interface Settings {
            @DurationRange(min = "PT1M", max = "P7D", message = "must be between 1 minute and 7 days")
            Duration ttl();
        }
        var ttl = Settings.class.getDeclaredMethod("ttl");
        assertEquals(List.of(), Constraints.of(ttl, Duration.ofHours(24), "x.ttl"));
        assertEquals(List.of(), Constraints.of(ttl, Duration.ofDays(7), "x.ttl"), "the bounds are inside");
        assertEquals("must be between 1 minute and 7 days", Constraints.of(ttl, Duration.ofSeconds(59), "x.ttl").get(0).message());
        assertEquals(1, Constraints.of(ttl, Duration.ofDays(8), "x.ttl").size());
    }

    @Test
    void aMissingBodyOrABrokenOneIsA400NamingTheFields() {
        WebApplicationException missing = assertThrows(WebApplicationException.class, () -> RequestBodies.valid(null));
        assertEquals(400, missing.getResponse().getStatus());
        assertEquals("[FieldError[field=body, message=is required]]",
                String.valueOf(((io.paddock.shared.http.Problem) missing.getResponse().getEntity()).errors()));
        WebApplicationException broken = assertThrows(WebApplicationException.class,
                () -> RequestBodies.valid(new Post(null, Arrays.asList((UUID) null))));
        assertEquals("[FieldError[field=body, message=is required], FieldError[field=targets[0], message=must be entity ids]]",
                String.valueOf(((io.paddock.shared.http.Problem) broken.getResponse().getEntity()).errors()));
        Post fine = new Post("fine", null);
        assertEquals(fine, RequestBodies.valid(fine));
    }
}
