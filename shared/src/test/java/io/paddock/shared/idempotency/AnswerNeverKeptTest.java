package io.paddock.shared.idempotency;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.container.ResourceInfo;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** Which routes' answers the Idempotency-Key filter never keeps: those whose function says so, whatever their path. */
class AnswerNeverKeptTest {

    @AnswerNeverKept
    static class CredentialsResource {
        public void login() {
        }
    }

    static class PostsResource {
        @AnswerNeverKept
        public void mintsAOneTimeCode() {
        }

        public void createPost() {
        }
    }

    private static ResourceInfo route(Class<?> resource, String method) throws NoSuchMethodException {
        Method m = resource.getMethod(method);
        return new ResourceInfo() {
            @Override
            public Method getResourceMethod() {
                return m;
            }

            @Override
            public Class<?> getResourceClass() {
                return resource;
            }
        };
    }

    @Test
    void everyRouteOfAMarkedResourceIsNeverKept() throws Exception {
        assertTrue(IdempotencyFilter.answerNeverKept(route(CredentialsResource.class, "login")));
    }

    @Test
    void aMarkedMethodIsNeverKeptButItsUnmarkedNeighbourIs() throws Exception {
        assertTrue(IdempotencyFilter.answerNeverKept(route(PostsResource.class, "mintsAOneTimeCode")));
        assertFalse(IdempotencyFilter.answerNeverKept(route(PostsResource.class, "createPost")));
    }

    @Test
    void anUnmatchedRequestIsNotExempt() {
        assertFalse(IdempotencyFilter.answerNeverKept(null));
    }
}
