import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The latency chart of load-tests/README.md: p50, p95 and p99 per scenario and kind of answer, read from the
 * {@code latency <scenario> <kind> <p50> <p95> <p99> <count>} lines (milliseconds) that the simulations write to
 * target/gatling/*.txt and the feed benchmark to target/feed-bench.txt; and, for the two JMH benchmarks, which measure
 * throughput, the mean time per operation (1 / JMH's ops/s) of each method beside its floor's, read from JMH's text
 * results (target/limiter-1-thread.txt, target/limiter-8-threads.txt, target/ingest.txt). Plain Java2D, run as a
 * source file (load-tests/chart/chart.sh); a logarithmic axis, since a limiter check and an origin miss differ a
 * thousandfold.
 *
 * <p>Usage: java LatencyChart.java &lt;out.png&gt; &lt;results file or dir&gt;...
 */
public class LatencyChart {

    /** A row: three percentiles, or (mean) one mean time per operation in p50 with p95 and p99 unused. */
    record Bar(String label, double p50, double p95, double p99, long count, boolean mean) {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        List<Bar> bars = new ArrayList<>();
        for (int a = 1; a < args.length; a++) {
            Path source = Path.of(args[a]);
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.list(source)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                        read(file, bars);
                    }
                }
            } else if (Files.isRegularFile(source)) {
                read(source, bars);
            }
        }
        if (bars.isEmpty()) {
            System.err.println("LatencyChart: no latency lines or JMH results in " + List.of(args).subList(1, args.length)
                    + " (run a simulation or benchmark first)");
            System.exit(1);
        }
        int rowHeight = 42, left = 330, right = 40, top = 60, bottom = 50, width = 1100;
        int height = top + bottom + rowHeight * bars.size();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Time per request or operation (ms, log scale): p50 / p95 / p99; JMH benchmarks: mean", 20, 28);
        double max = bars.stream().mapToDouble(b -> b.mean() ? b.p50() : b.p99()).max().orElse(1);
        double min = bars.stream().mapToDouble(Bar::p50).filter(v -> v > 0).min().orElse(1);
        double low = Math.pow(10, Math.floor(Math.log10(Math.min(0.5, min * 0.8))));
        double high = Math.max(10, max * 1.2);
        int plot = width - left - right;
        java.util.function.DoubleToIntFunction x = v -> left + (int) Math.round(plot * (Math.log(Math.max(v, low)) - Math.log(low))
                / (Math.log(high) - Math.log(low)));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double tick = low; tick <= high; tick *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                double v = tick * m;
                if (v > high) {
                    break;
                }
                int px = x.applyAsInt(v);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(px, top - 5, px, height - bottom);
                g.setColor(Color.DARK_GRAY);
                g.drawString(v >= 1 ? String.valueOf((long) Math.round(v)) : String.format("%.2g", v), px - 6, height - bottom + 16);
            }
        }
        Color[] colors = {new Color(70, 130, 180), new Color(240, 160, 40), new Color(200, 60, 60), new Color(110, 110, 110)};
        String[] names = {"p50", "p95", "p99", "mean"};
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = top + i * rowHeight;
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(bar.label(), 10, y + 16);
            g.setColor(Color.GRAY);
            g.drawString(bar.mean() ? "JMH, 1 / throughput" : "n = " + bar.count(), 10, y + 30);
            double[] values = bar.mean() ? new double[] {bar.p50()} : new double[] {bar.p50(), bar.p95(), bar.p99()};
            for (int k = 0; k < values.length; k++) {
                g.setColor(colors[bar.mean() ? 3 : k]);
                int end = x.applyAsInt(values[k]);
                g.fillRect(left, y + 4 + k * 11, Math.max(1, end - left), 9);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                g.drawString(values[k] >= 10 ? String.format("%.0f", values[k]) : String.format("%.2g", values[k]),
                        end + 4, y + 12 + k * 11);
            }
        }
        g.setStroke(new BasicStroke(1));
        for (int k = 0; k < 4; k++) {
            g.setColor(colors[k]);
            g.fillRect(width - right - 265 + k * 65, 38, 12, 12);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(names[k], width - right - 249 + k * 65, 49);
        }
        g.dispose();
        ImageIO.write(image, "png", out.toFile());
        System.out.println("LatencyChart: " + bars.size() + " rows to " + out);
    }

    /** Latency lines anywhere in the file; JMH text results (thrpt, ops/s) when it is one. */
    static void read(Path file, List<Bar> bars) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.txt$", "");
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 7 && f[0].equals("latency") && !f[3].equals("-")) {
                bars.add(new Bar(f[1] + ": " + f[2], Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                        Double.parseDouble(f[5]), Long.parseLong(f[6]), false));
            } else if (f.length >= 4 && f[0].matches("\\w+Benchmark\\.\\w+") && f[1].equals("thrpt")
                    && f[f.length - 1].equals("ops/s")) {
                // "Benchmark.method thrpt [cnt] score [± error] ops/s": the score is the first number after the mode
                // and count (a single fork without iterations' count prints no Cnt).
                double score = f.length >= 7 ? Double.parseDouble(f[3]) : Double.parseDouble(f[f.length - 2]);
                if (score > 0) {
                    bars.add(new Bar(name + ": " + f[0].substring(f[0].indexOf('.') + 1), 1000.0 / score, 0, 0, 0, true));
                }
            }
        }
    }
}
