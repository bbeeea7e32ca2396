import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Login timing of an unknown e-mail address against a wrong password for a real account, measured
 * from outside over HTTP. Both must be 401 with one body and take about as long (the unknown address is
 * hashed against a dummy Argon2id hash), or response times would tell which addresses have accounts.
 *
 * Run through login-timing.sh (it starts ./paddock local with the brute-force limits raised, since
 * they would otherwise stop the measurement after 20 requests). Direct: java LoginTiming.java URL [N].
 */
public class LoginTiming {

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:3000";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        String handle = "timing_" + UUID.randomUUID().toString().substring(0, 8);
        String email = handle + "@example.com";
        int registered = post(http, base + "/v1/auth/register", "{\"email\":\"" + email
                + "\",\"password\":\"correct horse battery staple\",\"handle\":\"" + handle + "\"}").statusCode();
        if (registered != 201) {
            throw new IllegalStateException("register answered " + registered);
        }
        String wrongPassword = "{\"email\":\"" + email + "\",\"password\":\"not the password at all\"}";

        List<Double> known = new ArrayList<>();
        List<Double> unknown = new ArrayList<>();
        String firstKnownBody = null;
        String firstUnknownBody = null;
        int warmup = Math.max(20, rounds / 10);
        for (int i = 0; i < warmup + rounds; i++) {
            // Interleaved, so drift (JIT, GC, a noisy neighbour) hits both series alike.
            String unknownEmail = "{\"email\":\"nobody-" + UUID.randomUUID() + "@example.com\","
                    + "\"password\":\"not the password at all\"}";
            Timed k = timed(http, base + "/v1/auth/login", wrongPassword);
            Timed u = timed(http, base + "/v1/auth/login", unknownEmail);
            if (k.status != 401 || u.status != 401) {
                throw new IllegalStateException("expected 401/401, got " + k.status + "/" + u.status
                        + " (are the limits raised?) " + k.body + " " + u.body);
            }
            if (i == 0) {
                firstKnownBody = k.body.replaceAll("\"requestId\":\"[^\"]*\"", "");
                firstUnknownBody = u.body.replaceAll("\"requestId\":\"[^\"]*\"", "");
            }
            if (i >= warmup) {
                known.add(k.millis);
                unknown.add(u.millis);
            }
        }
        System.out.printf("login timing, %d rounds after %d warm-up, against %s%n", rounds, warmup, base);
        System.out.printf("  wrong password (known e-mail): median %.1f ms  p10 %.1f  p90 %.1f%n",
                pct(known, 50), pct(known, 10), pct(known, 90));
        System.out.printf("  unknown e-mail:                median %.1f ms  p10 %.1f  p90 %.1f%n",
                pct(unknown, 50), pct(unknown, 10), pct(unknown, 90));
        System.out.printf("  median difference: %+.1f ms (%.1f %% of the wrong-password median)%n",
                pct(unknown, 50) - pct(known, 50), 100 * (pct(unknown, 50) - pct(known, 50)) / pct(known, 50));
        System.out.println("  bodies without requestId identical: " + firstKnownBody.equals(firstUnknownBody));
    }

    record Timed(int status, String body, double millis) {
    }

    static Timed timed(HttpClient http, String url, String json) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = post(http, url, json);
        return new Timed(r.statusCode(), r.body(), (System.nanoTime() - start) / 1e6);
    }

    static HttpResponse<String> post(HttpClient http, String url, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.round(p / 100.0 * (sorted.size() - 1))));
    }
}
