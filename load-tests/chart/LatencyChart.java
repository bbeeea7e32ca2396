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
 * {@code latency <scenario> <kind> <p50> <p95> <p99> <count>} lines the simulations write to target/gatling/*.txt.
 * Plain Java2D, run as a source file (load-tests/chart/chart.sh); a logarithmic axis, since an edge HIT and an origin
 * miss differ a hundredfold.
 *
 * <p>Usage: java LatencyChart.java &lt;results dir&gt; &lt;out.png&gt;
 */
public class LatencyChart {

    record Bar(String label, double p50, double p95, double p99, long count) {
    }

    public static void main(String[] args) throws IOException {
        Path results = Path.of(args[0]);
        List<Bar> bars = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 7 && f[0].equals("latency") && !f[3].equals("-")) {
                        bars.add(new Bar(f[1] + ": " + f[2], Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                                Double.parseDouble(f[5]), Long.parseLong(f[6])));
                    }
                }
            }
        }
        if (bars.isEmpty()) {
            System.err.println("LatencyChart: no latency lines in " + results + " (run a simulation first)");
            System.exit(1);
        }
        int rowHeight = 42, left = 260, right = 40, top = 60, bottom = 50, width = 1000;
        int height = top + bottom + rowHeight * bars.size();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Response time per scenario and answer (ms, log scale): p50 / p95 / p99", left - 200, 28);
        double max = bars.stream().mapToDouble(Bar::p99).max().orElse(1);
        double low = 0.5, high = Math.max(10, max * 1.2);
        int plot = width - left - right;
        java.util.function.DoubleToIntFunction x = v -> left + (int) Math.round(plot * (Math.log(Math.max(v, low)) - Math.log(low))
                / (Math.log(high) - Math.log(low)));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double tick = 1; tick <= high; tick *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                double v = tick * m;
                if (v > high) {
                    break;
                }
                int px = x.applyAsInt(v);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(px, top - 5, px, height - bottom);
                g.setColor(Color.DARK_GRAY);
                g.drawString(v >= 1 ? String.valueOf((long) v) : String.valueOf(v), px - 6, height - bottom + 16);
            }
        }
        Color[] colors = {new Color(70, 130, 180), new Color(240, 160, 40), new Color(200, 60, 60)};
        String[] names = {"p50", "p95", "p99"};
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = top + i * rowHeight;
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(bar.label(), 10, y + 16);
            g.setColor(Color.GRAY);
            g.drawString("n = " + bar.count(), 10, y + 30);
            double[] values = {bar.p50(), bar.p95(), bar.p99()};
            for (int k = 0; k < 3; k++) {
                g.setColor(colors[k]);
                int end = x.applyAsInt(values[k]);
                g.fillRect(left, y + 4 + k * 11, Math.max(1, end - left), 9);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                g.drawString(String.format("%.0f", values[k]), end + 4, y + 12 + k * 11);
            }
        }
        g.setStroke(new BasicStroke(1));
        for (int k = 0; k < 3; k++) {
            g.setColor(colors[k]);
            g.fillRect(width - right - 200 + k * 65, 38, 12, 12);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(names[k], width - right - 184 + k * 65, 49);
        }
        g.dispose();
        Path out = Path.of(args[1]);
        ImageIO.write(image, "png", out.toFile());
        System.out.println("LatencyChart: " + bars.size() + " rows to " + out);
    }
}
