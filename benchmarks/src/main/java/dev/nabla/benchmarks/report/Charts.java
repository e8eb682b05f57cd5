package dev.nabla.benchmarks.report;

import dev.nabla.bench.Workload;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The report's PNG charts, drawn by XChart: the SGD throughput as one panel per workload (linear
 * axes, since the workloads differ by orders of magnitude; each subject keeps its colour across
 * panels), and GEMM GFLOP/s per problem for each thread setting.
 */
final class Charts {
    private static final int PANEL_WIDTH = 640;
    private static final int PANEL_HEIGHT = 360;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private Charts() {
    }

    /** Writes every chart the results allow into {@code dir}; returns the file names written. */
    static List<String> write(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> written = new ArrayList<>();
        if (!report.sgd.isEmpty()) {
            List<String> subjects = subjects(report);
            List<BufferedImage> panels = new ArrayList<>();
            for (Workload w : report.sgd.keySet()) {
                panels.add(BitmapEncoder.getBufferedImage(sgdPanel(report, w, subjects)));
            }
            save(grid(panels, 2), dir, "sgd-throughput.png", written);
        }
        for (String threads : report.gemmThreadSettings()) {
            save(BitmapEncoder.getBufferedImage(gemm(report, threads)), dir,
                    "gemm-" + (threads.equals("all") ? "all-threads" : threads + "-thread") + ".png", written);
        }
        return written;
    }

    /** Writes through a temporary file, so a failure never leaves a truncated PNG behind. */
    private static void save(BufferedImage image, Path dir, String name, List<String> written) throws IOException {
        Path temp = Files.createTempFile(dir, name, ".tmp");
        try {
            if (!ImageIO.write(image, "png", temp.toFile())) {
                throw new IOException("no PNG writer in this JVM");
            }
            Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        written.add(name);
    }

    private static BufferedImage grid(List<BufferedImage> panels, int columns) {
        int rows = (panels.size() + columns - 1) / columns;
        int cols = Math.min(columns, panels.size());
        BufferedImage image = new BufferedImage(cols * PANEL_WIDTH, rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), (i % columns) * PANEL_WIDTH, (i / columns) * PANEL_HEIGHT, null);
        }
        g.dispose();
        return image;
    }

    private static CategoryChart chart(int width, int height, String title, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title)
                .xAxisTitle("").yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendBorderColor(Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setAvailableSpaceFill(0.9);
        return chart;
    }

    /** One workload: a bar per subject with JMH's error, labelled with its samples/s. */
    private static CategoryChart sgdPanel(Report report, Workload w, List<String> subjects) {
        CategoryChart chart = chart(PANEL_WIDTH, PANEL_HEIGHT, w.label(), "samples/s");
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(Color.BLACK);
        chart.getStyler().setLabelsPosition(0.5);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Charts::compact);
        chart.getStyler().setErrorBarsColor(Color.DARK_GRAY);
        chart.getStyler().setXAxisTicksVisible(false);
        for (int i = 0; i < subjects.size(); i++) {
            Optional<Report.SgdRow> row = report.sgd(w, subjects.get(i));
            if (row.isPresent()) {
                Report.Value v = row.get().samplesPerSecond();
                CategorySeries s = chart.addSeries(subjects.get(i), List.of(" "), List.of(v.mean()),
                        List.of(Double.isNaN(v.error()) ? 0.0 : v.error()));
                s.setFillColor(PALETTE[i % PALETTE.length]);
            }
        }
        return chart;
    }

    private static CategoryChart gemm(Report report, String threads) {
        CategoryChart chart = chart(1200, 520, "GEMM float32, " + report.threadsLabel(threads) + ": GFLOP/s (higher is better)",
                "GFLOP/s");
        chart.getStyler().setXAxisLabelRotation(20);
        List<String> problems = report.gemmProblems();
        List<String> backends = report.gemmBackends();
        for (int i = 0; i < backends.size(); i++) {
            List<Double> y = new ArrayList<>();
            for (String p : problems) {
                y.add(report.gemm(p, backends.get(i), threads).map(r -> r.gflops().mean()).orElse(null));
            }
            if (y.stream().anyMatch(v -> v != null)) {
                chart.addSeries(backends.get(i), problems, y).setFillColor(PALETTE[i % PALETTE.length]);
            }
        }
        int threadCount = threads.equals("all") ? report.machine.cores : Integer.parseInt(threads);
        double peak = report.peakFor(dev.nabla.tensor.DType.FLOAT32, threadCount);
        if (!Double.isNaN(peak)) {
            // The measured FMA peak for this many threads, as a line across the problems.
            List<Double> line = new ArrayList<>();
            problems.forEach(p -> line.add(peak));
            CategorySeries s = chart.addSeries("FMA peak", problems, line);
            s.setChartCategorySeriesRenderStyle(org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle.Line);
            s.setLineColor(Color.BLACK);
            s.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                    10f, new float[] {6f, 4f}, 0f));
            s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        }
        return chart;
    }

    /** Nabla backends first (cpu, nd4j, reference, others), then the DL4J settings. */
    private static List<String> subjects(Report report) {
        Set<String> all = new LinkedHashSet<>();
        report.sgd.values().forEach(rows -> rows.forEach(r -> all.add(r.subject())));
        Set<String> ordered = new LinkedHashSet<>();
        for (String preferred : List.of("cpu", "nd4j", "reference")) {
            if (all.contains(preferred)) {
                ordered.add(preferred);
            }
        }
        all.stream().filter(s -> !Report.isDl4j(s)).sorted().forEach(ordered::add);
        all.stream().filter(Report::isDl4j).sorted().forEach(ordered::add);
        return new ArrayList<>(ordered);
    }

    /** 1234567 -> 1.23M, 12345 -> 12.3k. */
    static String compact(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
