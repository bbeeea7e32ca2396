package io.paddock.edge;

import io.paddock.embedded.CloudFormationTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./paddock edge} writes the stand-in's nginx prefix directory with this: the configuration generated
 * from template.yaml and infra/edge/waf.yaml, the temp and cache directories, and an empty offender list
 * unless one exists.
 *
 * <pre>
 * EdgeMain --prefix DIR [--port 8080] [--origin http://127.0.0.1:3000] [--simulation]
 *          [--limit WafParameter=N]... [--origin-secret S] [--template template.yaml] [--waf infra/edge/waf.yaml]
 * </pre>
 */
public final class EdgeMain {

    private EdgeMain() {
    }

    /** What to generate. {@code limits}: waf.yaml parameter values in place of their defaults. */
    public record Options(Path template, Path waf, NginxConfig.Settings settings, Map<String, Integer> limits) {
    }

    public static void main(String... args) {
        Options options;
        try {
            options = parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("paddock edge: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Path config = write(options);
            System.out.println(config);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("paddock edge: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Writes the prefix directory; returns its nginx.conf. */
    public static Path write(Options options) {
        CacheBehaviours distribution = CacheBehaviours.from(CloudFormationTemplate.read(options.template()).document());
        WafRules waf = WafRules.from(CloudFormationTemplate.read(options.waf()).document(), options.limits());
        String text = NginxConfig.render(options.settings(), distribution, waf);
        Path prefix = options.settings().prefix().toAbsolutePath().normalize();
        try {
            for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
                Files.createDirectories(prefix.resolve("temp").resolve(temp));
            }
            Files.createDirectories(prefix.resolve("cache"));
            new OffenderFile(prefix.resolve("offenders.conf")).createIfMissing();
            Path config = prefix.resolve("nginx.conf");
            Files.writeString(config, text, StandardCharsets.UTF_8);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + prefix + ": " + e.getMessage(), e);
        }
    }

    static Options parse(List<String> args) {
        Path prefix = null;
        int port = 8080;
        URI origin = URI.create("http://127.0.0.1:3000");
        boolean simulation = false;
        Optional<String> secret = Optional.empty();
        Path template = Path.of("template.yaml");
        Path waf = Path.of("infra/edge/waf.yaml");
        Map<String, Integer> limits = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            if (option.equals("--simulation")) {
                simulation = true;
                continue;
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value (or is unknown)");
            }
            String value = rest.remove(0);
            switch (option) {
                case "--prefix" -> prefix = Path.of(value);
                case "--port" -> port = port(value);
                case "--origin" -> origin = URI.create(value);
                case "--origin-secret" -> secret = Optional.of(value).filter(v -> !v.isBlank());
                case "--template" -> template = Path.of(value);
                case "--waf" -> waf = Path.of(value);
                case "--limit" -> {
                    int eq = value.indexOf('=');
                    if (eq <= 0 || !value.substring(eq + 1).matches("\\d{1,9}")) {
                        throw new IllegalArgumentException("--limit takes WafParameter=N, e.g. ReadRequestsPerMinute=5, got " + value);
                    }
                    limits.put(value.substring(0, eq), Integer.parseInt(value.substring(eq + 1)));
                }
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        if (prefix == null) {
            throw new IllegalArgumentException("--prefix DIR is required");
        }
        if (secret.isPresent() && !secret.get().matches("[\\x21-\\x7e&&[^\"'\\\\$;{}]]+")) {
            throw new IllegalArgumentException("the origin secret must be visible ASCII without quotes, \\, $, ; or braces");
        }
        return new Options(template, waf, new NginxConfig.Settings(prefix, port, origin, simulation, secret), limits);
    }

    private static int port(String value) {
        if (!value.matches("\\d{1,5}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 65535) {
            throw new IllegalArgumentException("a TCP port number, got " + value);
        }
        return Integer.parseInt(value);
    }
}
