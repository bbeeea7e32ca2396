package io.paddock.shared.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {

    @Test
    void onlyConfiguredOriginsAreAllowedInProduction() {
        CorsPolicy cors = new CorsPolicy(List.of("https://app.example.com"), false, 600);
        assertTrue(cors.allows("https://app.example.com"));
        assertFalse(cors.allows("https://app.example.com.evil.net"));
        assertFalse(cors.allows("http://localhost:5173"));
        assertFalse(cors.allows(null));
        assertFalse(cors.allows("null"));
    }

    @Test
    void localModeAlsoAllowsLoopbackDevServers() {
        CorsPolicy cors = new CorsPolicy(List.of(), true, 600);
        assertTrue(cors.allows("http://localhost:5173"));
        assertTrue(cors.allows("http://127.0.0.1:3000"));
        assertFalse(cors.allows("http://localhost.evil.net"));
        assertFalse(cors.allows("https://example.com"));
    }
}
