package dev.provpt.results;

import dev.provpt.method.Method;
import dev.provpt.stats.MeanInterval;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;

/** The results page's figures (JFreeChart PNGs), drawn from a {@link ResultsReport}'s numbers. */
final class ResultsCharts {
  private ResultsCharts() {}

  /** Writes every figure the runs allow into {@code dir}; returns them. */
  static List<Path> write(ResultsReport report, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Path> written = new ArrayList<>();
    List<String> paired = report.tasks().stream().filter(t -> report.pairedDifference(t) != null).toList();
    if (!paired.isEmpty()) {
      DefaultStatisticalCategoryDataset both = new DefaultStatisticalCategoryDataset();
      DefaultStatisticalCategoryDataset difference = new DefaultStatisticalCategoryDataset();
      for (String t : paired) {
        for (String method : List.of(Method.VPT_DEEP.key, Method.PRO_VPT.key)) {
          ResultsReport.Stat s = report.accuracy(method, t);
          both.add(100 * s.mean(), 100 * s.std(), method, t);
        }
        ResultsReport.Stat d = report.pairedDifference(t);
        MeanInterval ci = MeanInterval.of(d.values());
        difference.add(100 * d.mean(), ci.defined() ? 100 * ci.halfWidth() : 0, "PRO-VPT − VPT-Deep", t);
      }
      written.add(bars(dir.resolve(ResultsReport.PAIRED_CHART), both, "Test accuracy per task (mean ± std over seeds)",
          "test accuracy (%)", true));
      written.add(bars(dir.resolve(ResultsReport.DIFFERENCE_CHART), difference,
          "PRO-VPT − VPT-Deep, paired by seed (mean, 95% interval)", "difference (percentage points)", false));
    }
    List<String> distributed = report.tasks().stream().filter(t -> report.meanDistribution(t) != null).toList();
    if (!distributed.isEmpty()) {
      written.add(distributions(dir.resolve(ResultsReport.DISTRIBUTION_CHART), report, distributed));
    }
    return written;
  }

  private static Path bars(Path file, DefaultStatisticalCategoryDataset data, String title, String valueLabel,
      boolean legend) throws IOException {
    CategoryAxis tasks = new CategoryAxis("task");
    tasks.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    NumberAxis values = new NumberAxis(valueLabel);
    StatisticalBarRenderer renderer = new StatisticalBarRenderer();
    renderer.setErrorIndicatorPaint(Color.BLACK);
    renderer.setSeriesPaint(0, new Color(0x4C72B0));
    renderer.setSeriesPaint(1, new Color(0xDD8452));
    renderer.setShadowVisible(false);
    renderer.setDrawBarOutline(false);
    CategoryPlot plot = new CategoryPlot(data, tasks, values, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, legend);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, Math.max(600, 90 * data.getColumnCount() + 200), 450);
    return file;
  }

  private static Path distributions(Path file, ResultsReport report, List<String> tasks) throws IOException {
    int blocks = tasks.stream().mapToInt(t -> report.meanDistribution(t).length).max().orElse(1);
    int n = tasks.size() * blocks;
    double[] x = new double[n];
    double[] y = new double[n];
    double[] z = new double[n];
    double max = 1;
    int k = 0;
    for (int t = 0; t < tasks.size(); t++) {
      double[] mean = report.meanDistribution(tasks.get(t));
      for (int b = 0; b < blocks; b++) {
        x[k] = b + 1;
        y[k] = t;
        z[k] = b < mean.length ? mean[b] : 0;
        max = Math.max(max, z[k]);
        k++;
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("prompts", new double[][] {x, y, z});
    LookupPaintScale scale = new LookupPaintScale(0, max + 1e-9, Color.WHITE);
    for (int step = 0; step <= 20; step++) {
      float v = step / 20f;
      scale.add(v * max, new Color(1f - 0.85f * v, 1f - 0.55f * v, 1f - 0.1f * v));
    }
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    NumberAxis blockAxis = new NumberAxis("block");
    blockAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    blockAxis.setRange(0.5, blocks + 0.5);
    SymbolAxis taskAxis = new SymbolAxis("task", tasks.toArray(String[]::new));
    taskAxis.setRange(-0.5, tasks.size() - 0.5);
    XYPlot plot = new XYPlot(data, blockAxis, taskAxis, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    JFreeChart chart = new JFreeChart("PRO-VPT's learned prompts per block (mean over seeds)",
        JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    PaintScaleLegend legend = new PaintScaleLegend(scale, new NumberAxis("prompts"));
    legend.setPosition(RectangleEdge.RIGHT);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 800, Math.max(300, 60 * tasks.size() + 150));
    return file;
  }
}
