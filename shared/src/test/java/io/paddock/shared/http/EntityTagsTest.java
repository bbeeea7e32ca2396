package io.paddock.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EntityTagsTest {

    @Test
    void tagIsStrongAndFollowsTheBytes() {
        String a = EntityTags.strongTag("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertTrue(a.matches("\"[A-Za-z0-9_-]{27}\""), a);
        assertEquals(a, EntityTags.strongTag("{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(a, EntityTags.strongTag("{\"a\":2}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void ifNoneMatchUsesWeakComparisonOverAList() {
        assertTrue(EntityTags.matches("\"x\"", "\"x\""));
        assertTrue(EntityTags.matches("W/\"x\"", "\"x\""));
        assertTrue(EntityTags.matches("\"y\", \"x\"", "\"x\""));
        assertTrue(EntityTags.matches("*", "\"x\""));
        assertFalse(EntityTags.matches("\"y\"", "\"x\""));
        assertFalse(EntityTags.matches(null, "\"x\""));
        assertFalse(EntityTags.matches("x", "\"x\""));
    }

    @Test
    void theCandidatesOfAnIfNoneMatchAreItsWellFormedTagsWeakOnesAsStrongAtMostEight() {
        assertEquals(List.of(), EntityTags.candidates(null));
        assertEquals(List.of(), EntityTags.candidates(" "));
        assertEquals(List.of("\"x\"", "\"y-_9\""), EntityTags.candidates("\"x\", W/\"y-_9\""));
        assertEquals(List.of("*"), EntityTags.candidates("\"x\", *"));
        // Nothing of ours looks like these, and none may reach a store's comparison (spaces separate there).
        assertEquals(List.of("\"ok\""), EntityTags.candidates("x, \"a b\", \"\", \"" + "a".repeat(65) + "\", \"ok\""));
        String many = IntStream.range(0, 20).mapToObj(i -> "\"t" + i + "\"").collect(Collectors.joining(", "));
        assertEquals(EntityTags.MAX_CANDIDATES, EntityTags.candidates(many).size());
        assertEquals("\"t0\"", EntityTags.candidates(many).get(0));
    }
}
