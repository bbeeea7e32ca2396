package io.paddock.auth;

import io.paddock.shared.http.Problem.FieldError;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The {@link AccountRules} of a registration as one Bean Validation constraint, one violation per field. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ValidRegistration.Validator.class)
public @interface ValidRegistration {

    String message() default "invalid registration";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ValidRegistration, RegisterRequest> {
        @Override
        public boolean isValid(RegisterRequest request, ConstraintValidatorContext context) {
            if (request == null) {
                return true;
            }
            var errors = AccountRules.registrationProblems(request.email(), request.password(), request.handle(),
                    request.displayName());
            if (errors.isEmpty()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            for (FieldError error : errors) {
                // Messages are plain text: escape what Bean Validation would read as expressions.
                String template = error.message().replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
                        .replace("$", "\\$");
                context.buildConstraintViolationWithTemplate(template).addPropertyNode(error.field())
                        .addConstraintViolation();
            }
            return false;
        }
    }
}
