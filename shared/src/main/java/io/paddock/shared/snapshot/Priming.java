package io.paddock.shared.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs priming requests one after the other and reports how each was answered. A request that fails or is
 * answered otherwise than expected is reported, never thrown: a snapshot taken from a partly primed function
 * is still a correct one, only slower to its first answers, while a hook that throws fails the publish.
 */
public final class Priming {

    /**
     * Where priming requests come from: addresses of TEST-NET-1 (RFC 5737), reserved for documentation, so no
     * real client's rate-limit window or login back-off is touched. Every hop of {@code X-Forwarded-For} and the
     * source address are such addresses, whatever number of hops the function trusts.
     */
    public static final String FORWARDED_FOR = "192.0.2.1, 192.0.2.2, 192.0.2.3";
    public static final String SOURCE_ADDRESS = "192.0.2.4";

    private Priming() {
    }

    /** How one request went. */
    public record Outcome(PrimingRequest request, int status, Optional<String> failure) {

        public boolean asExpected() {
            return failure.isEmpty() && status == request.expectedStatus();
        }

        @Override
        public String toString() {
            return request.method() + " " + request.path() + request.role().map(r -> " as " + r).orElse("") + " " + failure.map(f -> "failed: " + f)
                    .orElse(status + (asExpected() ? "" : " (expected " + request.expectedStatus() + ")"));
        }
    }

    /** Every request's outcome, in order, and the time they took together. */
    public record Report(List<Outcome> outcomes, long millis) {

        public boolean allAsExpected() {
            return outcomes.stream().allMatch(Outcome::asExpected);
        }

        public List<Outcome> unexpected() {
            return outcomes.stream().filter(o -> !o.asExpected()).toList();
        }

        @Override
        public String toString() {
            return outcomes.size() + " priming requests in " + millis + " ms"
                    + (allAsExpected() ? ", all answered as expected"
                            : ", unexpected: " + unexpected().stream().map(Outcome::toString).collect(Collectors.joining("; ")));
        }
    }

    /** @param tokens a bearer token for a role, for the requests sent {@link PrimingRequest#signedInAs signed in} */
    public static Report run(List<PrimingRequest> requests, PrimingDispatch dispatch, Function<String, String> tokens) {
        long started = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>();
        for (PrimingRequest request : requests) {
            try {
                outcomes.add(new Outcome(request, dispatch.send(request, request.role().map(tokens)), Optional.empty()));
            } catch (Exception | LinkageError e) {
                outcomes.add(new Outcome(request, 0, Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage())));
            }
        }
        return new Report(List.copyOf(outcomes), (System.nanoTime() - started) / 1_000_000);
    }
}
