package io.paddock.bench.lambda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The printed result: per subject the median over rounds of init, first answer, first invocation and RSS, the
 * spread (min–max) of init and first answer, warm p50/p99 over every warm invocation of every round, and the
 * ratios of first answer, warm p50 and RSS to those of the two Quarkus baselines: the hello (issue 15's
 * yardstick) and the hello that also reads each store once (the I/O every function's request does).
 */
final class ColdStartTable {

    private ColdStartTable() {
    }

    static String render(Map<String, List<ColdStartRun.Measurement>> bySubject, String heading) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"subject", "init ms (min–max)", "first answer ms (min–max)", "first invocation ms",
                "warm p50 ms", "warm p99 ms", "RSS MiB", "÷ Quarkus hello: first answer · warm p50 · RSS",
                "÷ Quarkus + stores: first answer · warm p50 · RSS"});
        double[] hello = figures(bySubject.get(Subject.QUARKUS_HELLO));
        double[] stores = figures(bySubject.get(Subject.QUARKUS_STORES));
        for (Map.Entry<String, List<ColdStartRun.Measurement>> entry : bySubject.entrySet()) {
            List<ColdStartRun.Measurement> runs = entry.getValue();
            List<Long> warm = new ArrayList<>();
            runs.forEach(m -> warm.addAll(m.warmNanos()));
            double[] own = figures(runs);
            rows.add(new String[] {
                    entry.getKey(),
                    spread(runs, ColdStartRun.Measurement::initNanos),
                    spread(runs, ColdStartRun.Measurement::firstAnswerNanos),
                    millis(median(runs, ColdStartRun.Measurement::firstInvocationNanos)),
                    warm.isEmpty() ? "–" : String.format("%.1f", percentile(warm, 50) / 1e6),
                    warm.isEmpty() ? "–" : String.format("%.1f", percentile(warm, 99) / 1e6),
                    String.format("%.0f", median(runs, ColdStartRun.Measurement::rssKiB) / 1024),
                    ratios(own, hello), ratios(own, stores)});
        }
        StringBuilder out = new StringBuilder(heading).append('\n');
        appendRow(out, rows.get(0));
        out.append("|---".repeat(rows.get(0).length)).append("|\n");
        rows.subList(1, rows.size()).forEach(row -> appendRow(out, row));
        return out.toString();
    }

    /** First answer (median), warm p50 and RSS (median) of a subject; NaN when it did not run. */
    private static double[] figures(List<ColdStartRun.Measurement> runs) {
        if (runs == null) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        List<Long> warm = new ArrayList<>();
        runs.forEach(m -> warm.addAll(m.warmNanos()));
        return new double[] {median(runs, ColdStartRun.Measurement::firstAnswerNanos),
                warm.isEmpty() ? Double.NaN : percentile(warm, 50), median(runs, ColdStartRun.Measurement::rssKiB)};
    }

    private static String ratios(double[] own, double[] baseline) {
        return String.format("%.2f · %.2f · %.2f", own[0] / baseline[0], own[1] / baseline[1], own[2] / baseline[2]);
    }

    /** Groups runs by subject, subjects in the order they first ran. */
    static Map<String, List<ColdStartRun.Measurement>> bySubject(List<ColdStartRun.Measurement> runs) {
        Map<String, List<ColdStartRun.Measurement>> grouped = new LinkedHashMap<>();
        runs.forEach(m -> grouped.computeIfAbsent(m.subject(), s -> new ArrayList<>()).add(m));
        return grouped;
    }

    private static void appendRow(StringBuilder out, String[] row) {
        out.append("| ").append(String.join(" | ", row)).append(" |\n");
    }

    private static String spread(List<ColdStartRun.Measurement> runs, ToLongFunction<ColdStartRun.Measurement> figure) {
        long min = runs.stream().mapToLong(figure).min().orElseThrow();
        long max = runs.stream().mapToLong(figure).max().orElseThrow();
        return String.format("%,.0f (%,.0f–%,.0f)", median(runs, figure) / 1e6, min / 1e6, max / 1e6);
    }

    private static String millis(double nanos) {
        return String.format("%,.0f", nanos / 1e6);
    }

    static double median(List<ColdStartRun.Measurement> runs, ToLongFunction<ColdStartRun.Measurement> figure) {
        long[] values = runs.stream().mapToLong(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
    }

    /** Nearest-rank percentile. */
    static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
