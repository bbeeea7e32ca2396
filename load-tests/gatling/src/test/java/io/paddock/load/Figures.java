package io.paddock.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a simulation measures beyond Gatling's own report: response times by kind of answer (an edge HIT, the static
 * floor, a signed-in page …), counts by label, and the text it prints and writes to target/gatling/&lt;name&gt;.txt —
 * also the lines {@code figures.sh} charts ({@code latency <scenario> <kind> p50 p95 p99 n}).
 */
final class Figures {

    private final Map<String, ConcurrentLinkedQueue<Integer>> times = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void time(String kind, int millis) {
        times.computeIfAbsent(kind, k -> new ConcurrentLinkedQueue<>()).add(millis);
    }

    /** Adds this one's response times to another's (to pool periods). */
    void copyTo(Figures other) {
        times.forEach((kind, recorded) -> recorded.forEach(millis -> other.time(kind, millis)));
    }

    void count(String label) {
        add(label, 1);
    }

    void add(String label, long amount) {
        counts.computeIfAbsent(label, k -> new AtomicLong()).addAndGet(amount);
    }

    long count(String label, long fallback) {
        AtomicLong n = counts.get(label);
        return n == null ? fallback : n.get();
    }

    Map<String, Long> counts(String prefix) {
        Map<String, Long> selected = new TreeMap<>();
        counts.forEach((label, n) -> {
            if (label.startsWith(prefix)) {
                selected.put(label.substring(prefix.length()), n.get());
            }
        });
        return selected;
    }

    /** p50, p95, p99 (nearest rank) and the count, or empty when nothing of that kind was answered. */
    List<Double> percentiles(String kind) {
        ConcurrentLinkedQueue<Integer> recorded = times.get(kind);
        if (recorded == null || recorded.isEmpty()) {
            return List.of();
        }
        List<Integer> sorted = new ArrayList<>(recorded);
        Collections.sort(sorted);
        return List.of(rank(sorted, 50), rank(sorted, 95), rank(sorted, 99), (double) sorted.size());
    }

    String latencyLine(String scenario, String kind) {
        List<Double> p = percentiles(kind);
        return p.isEmpty() ? "latency " + scenario + " " + kind + " - - - 0"
                : String.format("latency %s %s %.0f %.0f %.0f %.0f", scenario, kind, p.get(0), p.get(1), p.get(2), p.get(3));
    }

    private static double rank(List<Integer> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static void write(String name, String text) {
        System.out.print(text);
        try {
            Path out = Path.of(System.getProperty("paddock.resultsDir", "../target/gatling"), name + ".txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
