package io.paddock.db.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * PUTs the answer to CloudFormation's presigned S3 ResponseURL, the way AWS's cfn-response module does: an
 * empty Content-Type (S3 checks the request against what was signed, and no type was signed) and the
 * JSON body with its length.
 *
 * <p>Each attempt is bounded (connect 3 s, answer 7 s); a network error or a 5xx is tried again while the
 * function has time for a whole attempt, up to three attempts. A 4xx is final: the URL has expired or was
 * already answered, and repeating it cannot help.
 */
final class ResponseUpload {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(7);
    /** The longest one attempt can take; the handler keeps at least this much (times attempts) in reserve. */
    static final Duration ATTEMPT = CONNECT_TIMEOUT.plus(ANSWER_TIMEOUT);
    private static final int ATTEMPTS = 3;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // S3 speaks HTTP/1.1; no h2c upgrade dance on a plain URL
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /**
     * @param millisLeft the function's remaining time, asked before each attempt
     * @return the HTTP status of the last attempt
     * @throws IOException when no attempt got an answer
     */
    int put(URI url, byte[] body, LongSupplier millisLeft) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(ANSWER_TIMEOUT)
                .header("Content-Type", "")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        IOException lastError = null;
        int status = -1;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1 && millisLeft.getAsLong() < ATTEMPT.toMillis() + 500) {
                break;
            }
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                lastError = null;
                if (status < 500) {
                    return status;
                }
            } catch (IOException e) {
                lastError = e;
            }
            Thread.sleep(200L * attempt);
        }
        if (lastError != null) {
            throw lastError;
        }
        return status;
    }
}
