package io.paddock.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
}
