package io.paddock.shared.validation;

import io.smallrye.config.ConfigMapping;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The {@link Constraints} of a {@link ConfigMapping} interface, checked on the mapping the application was
 * given: every setting with a rule, nested groups included, reported by its key
 * ({@code paddock.database.pool-max-size must be less than or equal to 50}). Keys follow SmallRye's naming
 * (a method {@code poolMaxSize} is the key {@code pool-max-size}); Paddock's mappings rename none.
 */
public final class SettingsConstraints {

    private SettingsConstraints() {
    }

    /** Every broken rule of {@code settings}, an instance of the mapping interface {@code mapping}. */
    public static List<String> problems(Class<?> mapping, Object settings) {
        ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
        if (annotation == null) {
            throw new IllegalArgumentException(mapping.getName() + " is not a @ConfigMapping");
        }
        List<String> problems = new ArrayList<>();
        walk(mapping, settings, annotation.prefix(), problems);
        return problems;
    }

    private static void walk(Class<?> group, Object settings, String prefix, List<String> problems) {
        Method[] methods = group.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method method : methods) {
            if (!Modifier.isAbstract(method.getModifiers()) || method.getParameterCount() != 0) {
                continue;
            }
            Object value;
            try {
                method.setAccessible(true); // a function's settings interface may be package-private
                value = method.invoke(settings);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("cannot read setting " + prefix + "." + kebab(method.getName()), e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            String key = prefix + "." + kebab(method.getName());
            Constraints.of(method, value, key).forEach(v -> problems.add(v.path() + " " + v.message() + shown(value)));
            if (value != null && isGroup(method.getReturnType())) {
                walk(method.getReturnType(), value, key, problems);
            }
        }
    }

    /** A nested settings interface (a group), as opposed to a value type such as String, Optional or Duration. */
    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.");
    }

    /** The value as it was given, unless it could be a secret (text settings may hold URLs with passwords). */
    private static String shown(Object value) {
        return value instanceof Number || value instanceof Boolean ? " (is " + value + ")" : "";
    }

    /** SmallRye's default naming: {@code accessTokenTtl} → {@code access-token-ttl}. */
    static String kebab(String name) {
        StringBuilder key = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                key.append('-').append(Character.toLowerCase(c));
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }
}
