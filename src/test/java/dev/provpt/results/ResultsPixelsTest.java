package dev.provpt.results;

import static dev.provpt.results.ResultsReportTest.JSON;
import static dev.provpt.results.ResultsReportTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provpt.cli.Main;
import dev.provpt.rundir.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pixels baseline on the results page, and comparisons between configurations with unequal seed counts: five
 * seeds of pixels, the linear probe and VPT-Deep on digits (natural) and count (structured), and three seeds (1–3)
 * of a PRO-VPT variant and of VPT-Deep at 5 epochs instead of the usual 3 on digits. The expected numbers are
 * computed by hand below (t = 2.7764451 for 4 degrees of freedom, 4.3026527 for 2; half width = t · s / √n):
 * <pre>
 * linear − pixels, digits: 0.10 0.12 0.08 0.11 0.09, mean 0.10, s 0.0158114, half 0.0196324 → [+8.04, +11.96] above
 *                  count: −0.05 ×5, s 0 → [−5.00, −5.00] below
 *   over the 2 tasks: +10.00, −5.00 → mean +2.50, std 0.15/√2 = 10.61; W+ 2, W− 1, p = 1; sign 1 up 1 down, p = 1
 * VPT-Deep − pixels, digits: 0.02 −0.02 0.04 0 0.01, mean 0.01, s 0.0223607, half 0.0277645 → [−1.78, +3.78], none
 *                    count: 0.10 0.12 0.08 0.11 0.09 → [+8.04, +11.96], above
 *   over the 2 tasks: +1.00, +10.00 → mean +5.50, std 0.09/√2 = 6.36; W+ 3, W− 0, p = 2/4; sign 2 up, p = 0.5
 * random − VPT-Deep on the common seeds 1–3 of digits: 0.02 0.01 0.03, mean 0.02, s 0.01, half 0.0248414
 *   → [−0.48, +4.48], n = 3 (with VPT-Deep's five seeds mispaired it could not be computed at all)
 * VPT-Deep 5 epochs − 3 epochs, seeds 1–3: 0.03 0.01 0.04, mean 0.026667, s 0.0152753, half 0.0379454
 *   → [−1.13, +6.46], n 3, common 3
 * </pre>
 */
class ResultsPixelsTest {
  @TempDir
  Path tmp;

  private static final double[] FAST = {1.0, 1.5, 1.5};

  private static Path fixture(Path root) throws Exception {
    Files.createDirectories(root.resolve("backbone"));
    Files.writeString(root.resolve("backbone/model.conf"), "width = 64\ndepth = 4\n");
    Path results = root.resolve("results");
    int[] uniform = {4, 4, 4, 4};
    double[][] digits = {{0.60, 0.61, 0.62, 0.63, 0.64}, {0.70, 0.73, 0.70, 0.74, 0.73},
        {0.62, 0.59, 0.66, 0.63, 0.65}};
    double[][] count = {{0.30, 0.31, 0.32, 0.33, 0.34}, {0.25, 0.26, 0.27, 0.28, 0.29},
        {0.40, 0.43, 0.40, 0.44, 0.43}};
    for (var task : List.of(java.util.Map.entry("digits", digits), java.util.Map.entry("count", count))) {
      Path dir = results.resolve(task.getKey());
      for (int seed = 1; seed <= 5; seed++) {
        Path pixels = dir.resolve("pixels-seed" + seed);
        run(pixels, task.getKey(), "pixels", null, seed, task.getValue()[0][seed - 1], new int[0], FAST, false);
        // the pixels method's summary has its own count: 784 image values x 10 classes + 10
        ObjectNode summary = (ObjectNode) JSON.readTree(pixels.resolve(RunDirectory.SUMMARY).toFile());
        JSON.writeValue(pixels.resolve(RunDirectory.SUMMARY).toFile(), summary.put("trainable_parameters", 7850));
        run(dir.resolve("linear-seed" + seed), task.getKey(), "linear", null, seed, task.getValue()[1][seed - 1],
            new int[0], FAST, true);
        run(dir.resolve("vpt-deep-seed" + seed), task.getKey(), "vpt-deep", null, seed, task.getValue()[2][seed - 1],
            uniform, FAST, true);
      }
    }
    double[] random = {0.64, 0.60, 0.69};
    double[] longer = {0.65, 0.60, 0.70};
    for (int seed = 1; seed <= 3; seed++) {
      Path dir = results.resolve("digits");
      run(dir.resolve("random-ppo-seed" + seed), "digits", "pro-vpt", "random", seed, random[seed - 1], uniform, FAST,
          true);
      run(dir.resolve("deep-e5-seed" + seed), "digits", "vpt-deep", null, seed, longer[seed - 1], uniform,
          new double[] {1, 1, 1, 1, 1}, true);
    }
    return results;
  }

  @Test
  void thePageHasAPixelsRowAndEachTaskSaysWhetherTheBackboneBeatsThePixels() throws Exception {
    Path results = fixture(tmp);
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.toString(), "--out", page.toString()));
    String md = Files.readString(page);
    // Tab. 1: pixels is the first row, five seeds per cell; its parameters are its summary's
    String tab1 = md.substring(md.indexOf("## Tab. 1"), md.indexOf("## Tab. 3"));
    assertTrue(tab1.contains("| pixels | 5 | 62.00 ± 1.58 | 32.00 ± 1.58 | 62.00 | 32.00 | 47.00 |\n"
        + "| linear | 5 | 72.00 ± 1.87 | 27.00 ± 1.58 | 72.00 | 27.00 | 49.50 |\n"
        + "| vpt-deep | 5 | 63.00 ± 2.74 | 42.00 ± 1.87 | 63.00 | 42.00 | 52.50 |"), tab1);
    assertTrue(tab1.contains("| pixels | 7,850 | 7,850 |"), tab1);

    String reading = md.substring(md.indexOf("## Reading"), md.indexOf("## Tab. 1"));
    for (String line : List.of(
        "**Backbone vs pixels: linear probe − pixels.** Per task, the linear probe is above the pixels baseline on 1 "
            + "of 2 tasks (digits); below on 1 (count); no detectable difference on 0. Over the 2 tasks: mean "
            + "difference +2.50 ± 10.61; Wilcoxon signed-rank p = 1.000 (W+ = 2, W− = 1), sign test p = 1.000 "
            + "(1 positive, 1 negative): no detectable difference over tasks at the 5% level (none could be, with 2 "
            + "non-zero differences). By group: natural: +10.00 ± 0.00 (1 task); structured: -5.00 ± 0.00 (1 task).",
        "| task | group | common seeds | linear − pixels | 95% interval | class |\n|---|---|---|---|---|---|\n"
            + "| digits | natural | 5 | +10.00 | [+8.04, +11.96] | above |\n"
            + "| count | structured | 5 | -5.00 | [-5.00, -5.00] | below |",
        "**Backbone vs pixels: VPT-Deep − pixels.** Per task, VPT-Deep is above the pixels baseline on 1 of 2 tasks "
            + "(count); below on 0; no detectable difference on 1 (digits). Over the 2 tasks: mean difference "
            + "+5.50 ± 6.36; Wilcoxon signed-rank p = 0.500 (W+ = 3, W− = 0), sign test p = 0.500 (2 positive, "
            + "0 negative): no detectable difference over tasks at the 5% level",
        "| digits | natural | 5 | +1.00 | [-1.78, +3.78] | no detectable difference |\n"
            + "| count | structured | 5 | +10.00 | [+8.04, +11.96] | above |",
        // the three-seed variant is paired with VPT-Deep on the seeds both ran, and says so
        "| pro-vpt (prune=random) | 1 | +2.00 ± 0.00 | 1.000 | 1.000 | — | — | digits | — |",
        "| pro-vpt (prune=random) | +2.00 [-0.48, +4.48] n = 3 |",
        "**Seeds.** Tab. 1: 5 seeds per cell; Tab. 3's variants: 3; settings against the defaults: 3 (each table's")) {
      assertTrue(reading.contains(line), line + "\n" + reading);
    }
    assertTrue(!reading.contains("pixels baseline was not run"), reading);
    // the settings table: 3 seeds of VPT-Deep at 5 epochs against its 5 at 3 epochs, paired on the 3 common ones
    assertTrue(md.contains("| vpt-deep (epochs=5) | vpt-deep | digits | 3 | 3 | 63.00 ± 2.74 | 65.00 ± 5.00 "
        + "| +2.67 [-1.13, +6.46] | no detectable difference | 1.50 | 1.00 | 1.50× |"), md);
  }

  @Test
  void pairedDifferencesUseTheSeedsBothRan() throws Exception {
    ResultsReport report = ResultsReport.read(List.of(fixture(tmp)));
    ResultsReading.Comparison c = ResultsReading.compare(report, "pro-vpt (prune=random)", "vpt-deep", "digits");
    assertEquals(List.of(1L, 2L, 3L), c.seeds());
    assertEquals(3, c.interval().n());
    assertEquals(0.02, c.difference(), 1e-12);
    assertEquals(4.3026527 * 0.01 / Math.sqrt(3), c.interval().halfWidth(), 1e-7);
    assertEquals(ResultsReading.Side.NONE, c.side());
    ResultsReading.Comparison pixels = ResultsReading.compare(report, "linear", "pixels", "digits");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), pixels.seeds());
    assertEquals(ResultsReading.Side.ABOVE, pixels.side());
    assertEquals(0.10, pixels.difference(), 1e-12);
    assertEquals(2.7764451 * Math.sqrt(0.00025) / Math.sqrt(5), pixels.interval().halfWidth(), 1e-7);
  }

  @Test
  void theReadingSaysWhenThePixelsBaselineWasNotRun() throws Exception {
    Path digits = tmp.resolve("results/digits");
    Files.createDirectories(tmp.resolve("backbone"));
    run(digits.resolve("linear-seed1"), "digits", "linear", null, 1, 0.70, new int[0], FAST, true);
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", digits.toString(), "--out", page.toString()));
    String md = Files.readString(page);
    assertTrue(md.contains("The pixels baseline was not run."), md);
    assertTrue(md.contains("**Backbone vs pixels: linear probe − pixels.** Not run: the pixels baseline has no runs."),
        md);
  }
}
