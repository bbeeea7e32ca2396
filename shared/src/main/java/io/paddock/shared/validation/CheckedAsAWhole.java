package io.paddock.shared.validation;

import java.util.List;

/**
 * A request body with rules a field annotation cannot say (a registration is held to auth's account rules:
 * e-mail syntax, common passwords, handle, display name): {@link Constraints} adds these problems to the
 * fields' own.
 */
public interface CheckedAsAWhole {

    /** What is wrong, by field; empty when nothing is. */
    List<Constraints.Violation> problems();
}
