package io.paddock.shared.validation;

import io.paddock.shared.http.Problem;
import java.util.Comparator;
import java.util.List;

/** The "parse" step of a resource that takes a JSON body: the body is there and keeps its rules, or the answer is a 400. */
public final class RequestBodies {

    private RequestBodies() {
    }

    /**
     * {@code body} when it is present and keeps every rule of {@link Constraints}; otherwise a 400
     * validation-failed problem naming each broken field ({@code body} when there is none at all).
     */
    public static <T> T valid(T body) {
        if (body == null) {
            throw Problem.invalid("The request has invalid fields", List.of(new Problem.FieldError("body", "is required")));
        }
        List<Problem.FieldError> errors = Constraints.ofRecord(body).stream()
                .map(v -> new Problem.FieldError(v.path(), v.message()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        if (!errors.isEmpty()) {
            throw Problem.invalid("The request has invalid fields", errors);
        }
        return body;
    }
}
