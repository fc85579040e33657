package dev.provpt.rundir;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Plots of a run, drawn from its metrics.jsonl: accuracy curves ({@code accuracy.png}, against a
 * baseline run when one is given) and the prompt distribution across epochs as a heat map
 * ({@code distribution.png}, [PRO-VPT] Figs. 5 and viii).
 */
public final class Plots {
  public static final String ACCURACY = "accuracy.png";
  public static final String DISTRIBUTION = "distribution.png";

  private Plots() {}

  /** Writes the plots of {@code runDirectory}; {@code baseline} (another run) may be null. */
  public static List<Path> write(Path runDirectory, Path baseline) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<JsonNode> run = read(runDirectory);
    List<Path> written = new ArrayList<>();
    written.add(accuracy(runDirectory, run, baseline == null ? null : read(baseline)));
    if (run.stream().anyMatch(l -> l.get("distribution").size() > 1 && l.get("distribution").get(1).asInt() > 0)) {
      written.add(distribution(runDirectory, run));
    }
    return written;
  }

  private static List<JsonNode> read(Path runDirectory) throws IOException {
    List<JsonNode> lines = RunDirectory.readMetrics(runDirectory);
    if (lines.isEmpty()) {
      throw new IOException(runDirectory.resolve(RunDirectory.METRICS) + " holds no epoch");
    }
    return lines;
  }

  private static Path accuracy(Path dir, List<JsonNode> run, List<JsonNode> baseline) throws IOException {
    XYSeriesCollection series = new XYSeriesCollection();
    String method = run.get(0).get("method").asText();
    series.addSeries(curve(method + " val", run, "val_acc"));
    series.addSeries(curve(method + " train", run, "train_acc"));
    if (baseline != null) {
      String other = baseline.get(0).get("method").asText();
      series.addSeries(curve(other + " val (baseline)", baseline, "val_acc"));
    }
    NumberAxis epochs = new NumberAxis("epoch");
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis accuracy = new NumberAxis("top-1 accuracy");
    accuracy.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < series.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(i == 1 ? 1f : 2f));
    }
    JFreeChart chart = new JFreeChart("Accuracy per epoch", JFreeChart.DEFAULT_TITLE_FONT,
        new XYPlot(series, epochs, accuracy, renderer), true);
    chart.setBackgroundPaint(Color.WHITE);
    Path file = dir.resolve(ACCURACY);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 800, 500);
    return file;
  }

  private static XYSeries curve(String name, List<JsonNode> lines, String key) {
    XYSeries s = new XYSeries(name);
    for (JsonNode l : lines) {
      if (l.hasNonNull(key)) {
        s.add(l.get("epoch").asInt(), l.get(key).asDouble());
      }
    }
    return s;
  }

  private static Path distribution(Path dir, List<JsonNode> run) throws IOException {
    int blocks = run.get(0).get("distribution").size();
    int n = run.size() * blocks;
    double[] x = new double[n];
    double[] y = new double[n];
    double[] z = new double[n];
    int max = 1;
    int k = 0;
    for (JsonNode l : run) {
      for (int b = 0; b < blocks; b++) {
        x[k] = l.get("epoch").asInt();
        y[k] = b + 1;
        z[k] = l.get("distribution").get(b).asInt();
        max = Math.max(max, (int) z[k]);
        k++;
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("prompts", new double[][] {x, y, z});
    LookupPaintScale scale = new LookupPaintScale(0, max + 1, Color.WHITE);
    for (int v = 0; v <= max; v++) {
      float t = (float) v / max;
      scale.add(v, new Color(1f - 0.85f * t, 1f - 0.55f * t, 1f - 0.1f * t));
    }
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    NumberAxis epochs = new NumberAxis("epoch");
    epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    epochs.setLowerMargin(0);
    epochs.setUpperMargin(0);
    NumberAxis blockAxis = new NumberAxis("block");
    blockAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    blockAxis.setRange(0.5, blocks + 0.5);
    XYPlot plot = new XYPlot(data, epochs, blockAxis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    JFreeChart chart = new JFreeChart("Prompts per block (" + run.get(0).get("method").asText() + ")",
        JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    NumberAxis legendAxis = new NumberAxis("prompts");
    legendAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    Path file = dir.resolve(DISTRIBUTION);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 800, 450);
    return file;
  }
}
