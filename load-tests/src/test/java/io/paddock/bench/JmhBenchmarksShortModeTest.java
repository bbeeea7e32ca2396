package io.paddock.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH benchmarks (limiter-bench.sh, ingest-bench.sh) in a short mode — in this JVM, no warm-up, one
 * iteration of a fraction of a second — so that `./mvnw verify` keeps them running on their real stores: every
 * benchmark method completes operations. Their scores are printed by JMH and never compared with anything.
 */
class JmhBenchmarksShortModeTest {

    @Test
    void everyLimiterAndIngestBenchmarkRunsOnItsStores() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(LimiterBenchmark.class.getName() + "\\.")
                .include(IngestBenchmark.class.getName() + "\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .threads(1)
                .shouldFailOnError(true)
                .build()).run();

        Set<String> ran = results.stream().map(r -> r.getParams().getBenchmark()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> declared = Stream.of(LimiterBenchmark.class, IngestBenchmark.class)
                .flatMap(c -> Stream.of(c.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(Benchmark.class))
                        .map(m -> c.getName() + "." + m.getName()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, ran, "every @Benchmark method ran");
        for (RunResult result : results) {
            assertTrue(result.getPrimaryResult().getSampleCount() > 0 && result.getPrimaryResult().getScore() > 0,
                    result.getParams().getBenchmark() + " completed no operation");
        }
    }
}
