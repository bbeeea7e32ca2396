package io.paddock.shared.resilience;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysAreJitteredWithinAnExponentialCeilingThatIsCapped() {
        for (int attempt = 1; attempt <= 8; attempt++) {
            long ceiling = Math.min(Backoff.CAP_MILLIS, Backoff.BASE_MILLIS << (attempt - 1));
            int a = attempt;
            LongSummaryStatistics delays = LongStream.range(0, 2000).map(i -> Backoff.delayMillis(a)).summaryStatistics();
            assertTrue(delays.getMin() >= 0 && delays.getMax() <= ceiling, "attempt " + attempt + ": " + delays);
            // Full jitter: spread over the whole range, not bunched at the ceiling.
            assertTrue(delays.getMax() - delays.getMin() > ceiling / 2, "attempt " + attempt + ": " + delays);
        }
        assertTrue(Backoff.delayMillis(60) <= Backoff.CAP_MILLIS, "no overflow for large attempts");
    }
}
