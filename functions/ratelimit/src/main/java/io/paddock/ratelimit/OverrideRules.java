package io.paddock.ratelimit;

import io.paddock.shared.auth.ClientAddress;
import io.paddock.shared.http.Problem;
import io.paddock.shared.http.Problem.FieldError;
import io.paddock.shared.ratelimit.Category;
import io.paddock.shared.ratelimit.RateLimitPolicies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** What the admin routes accept: plain checks, tested directly. */
final class OverrideRules {

    static final double MAX_MULTIPLIER = 100;
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final RateLimitPolicies policies;

    OverrideRules(RateLimitPolicies policies) {
        this.policies = policies;
    }

    UUID userId(String text) {
        if (text == null || !UUID_TEXT.matcher(text).matches()) {
            throw Problem.invalid("The path has an invalid parameter", List.of(new FieldError("userId", "must be a user id (UUID)")));
        }
        return UUID.fromString(text);
    }

    List<FieldError> check(AdminRateLimitsResource.OverrideRequest body) {
        List<FieldError> errors = new ArrayList<>();
        if (body.tier() != null && !policies.hasTier(body.tier())) {
            errors.add(new FieldError("tier", "must be one of " + String.join(", ", policies.tiers().keySet().stream().sorted().toList())));
        }
        if (body.multipliers() != null) {
            for (Map.Entry<String, Double> e : body.multipliers().entrySet()) {
                String field = "multipliers." + e.getKey();
                if (!isCategory(e.getKey())) {
                    errors.add(new FieldError(field, "is not a rate-limit category"));
                } else if (e.getValue() == null || !(e.getValue() > 0) || e.getValue() > MAX_MULTIPLIER) {
                    errors.add(new FieldError(field, "must be a number greater than 0 and at most " + (int) MAX_MULTIPLIER));
                }
            }
        }
        return errors;
    }

    /** {@code ip:<address>} (normalised) or {@code user:<id>}; anything else is a 400. */
    String subjectKey(String key) {
        if (key != null && key.startsWith("user:") && UUID_TEXT.matcher(key.substring(5)).matches()) {
            return "user:" + UUID.fromString(key.substring(5));
        }
        if (key != null && key.startsWith("ip:")) {
            String address = ClientAddress.normalise(key.substring(3));
            if (address != null) {
                return "ip:" + address;
            }
        }
        throw Problem.invalid("The path has an invalid parameter",
                List.of(new FieldError("key", "must be ip:<IPv4 or IPv6 address> or user:<user id>")));
    }

    private static boolean isCategory(String name) {
        for (Category c : Category.values()) {
            if (c.policyName().equals(name.toLowerCase(Locale.ROOT)) && c.policyName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
