package io.paddock.shared.validation;

import java.util.List;

/**
 * A request body with rules across its fields, or rules a field annotation cannot say (a registration's
 * password must not contain its e-mail address): {@link Constraints} adds these problems to the fields' own.
 */
public interface CheckedAsAWhole {

    /** What is wrong, by field; empty when nothing is. */
    List<Constraints.Violation> problems();
}
