package dev.provpt.results;

import static dev.provpt.results.ResultsReportTest.JSON;
import static dev.provpt.results.ResultsReportTest.longs;
import static dev.provpt.results.ResultsReportTest.run;
import static dev.provpt.results.ResultsReportTest.setInConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.provpt.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sections "Prompts per block" ([PRO-VPT] §4.5) and "Longer schedules", on fake runs. Digits (natural): VPT-Deep
 * and PRO-VPT at 1, 4 (the default, seeds 1–5), 8 and 16 prompts per block on seeds 1–3, and both at 5 epochs
 * instead of the usual 3 on seeds 1–3. Count (structured): VPT-Deep at 1, 4, 16 and PRO-VPT at 1, 4, where VPT-Deep's
 * 16 ran seeds 1–2 only, so every cell of count is taken on seeds 1–2 and the spreads on the counts both ran (1, 4).
 * Worked by hand (t = 4.3026527 for 2 degrees of freedom, 12.7062047 for 1; half width = t · s / √n):
 * <pre>
 * digits, seeds 1–3 (the defaults' seeds 4, 5 are left out):
 *   VPT-Deep 1: .50 .52 .54 → 52.00 ± 2.00; 4: .60 .62 .64 → 62.00 ± 2.00; 8: .66 .68 .70 → 68.00; 16: .70 .72 .74
 *     → 72.00; spread 72 − 52 = 20.00
 *   PRO-VPT 1: .60 .61 .62 → 61.00 ± 1.00; 4: .63 .64 .68 → 65.00, s = √(.0014/2) = 2.65; 8: .66 .67 .68 → 67.00;
 *     16: .65 .66 .70 → 67.00 ± 2.65; spread 67 − 61 = 6.00; PRO-VPT's − VPT-Deep's = −14.00
 *   PRO-VPT − VPT-Deep, 1: .10 .09 .08, mean 9.00, s 1, half 2.48 → [+6.52, +11.48] ahead
 *     4: .03 .02 .04 → [+0.52, +5.48] ahead; 8: 0 −.01 −.02 → [−3.48, +1.48] none; 16: −.05 −.06 −.04 → [−7.48, −2.52] behind
 * count, seeds 1–2: VPT-Deep 1: .30 .34 → 32.00 ± 2.83; 4: .40 .42 → 41.00 ± 1.41; 16: .45 .47 → 46.00 ± 1.41
 *   (not in the spread: PRO-VPT did not run 16): spread 41 − 32 = 9.00; PRO-VPT 1: .40 .42 → 41.00 ± 1.41;
 *   4: .41 .45 → 43.00 ± 2.83; spread 2.00; −7.00
 *   PRO-VPT − VPT-Deep, 1: .10 .08, mean 9.00, s/√2 = .01, half 12.71 → [−3.71, +21.71] none; 4: .01 .03 → [−10.71, +14.71]
 * mean spread over digits and count: VPT-Deep (20 + 9) / 2 = 14.50, PRO-VPT (6 + 2) / 2 = 4.00
 * digits at 5 epochs against 3, seeds 1–3: VPT-Deep .64 .65 .69 → 66.00 ± 2.65, − 3 epochs: .04 .03 .05 → +4.00
 *   [+1.52, +6.48] above; PRO-VPT .70 .70 .72 → 70.67 ± 1.15, − 3 epochs: .07 .06 .04, mean 5.67, s 1.528,
 *   half 3.79 → [+1.87, +9.46] above; PRO-VPT − VPT-Deep at 3 epochs: .03 .02 .04 → +3.00 [+0.52, +5.48], at 5:
 *   .06 .05 .03 → +4.67 [+0.87, +8.46] ahead; its change .03 .03 −.01, mean 1.67, s 2.309, half 5.74
 *   → [−4.07, +7.40], no detectable difference
 * </pre>
 */
class ResultsPromptCountsTest {
  @TempDir
  Path tmp;

  private static final double[] FAST = {1.0, 1.5, 1.5};

  /** One method's runs at one setting on a task: seeds 1..n with {@code acc}, the setting in config.conf. */
  private static void runs(Path dir, String task, String method, String name, String setting, double... acc)
      throws Exception {
    for (int seed = 1; seed <= acc.length; seed++) {
      Path run = dir.resolve(name + "-seed" + seed);
      boolean longer = setting != null && setting.startsWith("epochs");
      run(run, task, method, method.equals("pro-vpt") ? "taylor" : null, seed, acc[seed - 1],
          new int[] {4, 4, 4, 4}, longer ? new double[] {1, 1, 1, 1, 1} : FAST, true);
      if (setting != null && !longer) {
        setInConfig(run, setting);
      }
    }
  }

  private static Path fixture(Path root) throws Exception {
    Files.createDirectories(root.resolve("backbone"));
    Files.writeString(root.resolve("backbone/model.conf"), "width = 64\ndepth = 4\n");
    Path digits = root.resolve("results/digits");
    runs(digits, "digits", "vpt-deep", "deep", null, 0.60, 0.62, 0.64, 0.90, 0.90);
    runs(digits, "digits", "vpt-deep", "deep1", "prompts.per-block = 1", 0.50, 0.52, 0.54);
    runs(digits, "digits", "vpt-deep", "deep8", "prompts.per-block = 8", 0.66, 0.68, 0.70);
    runs(digits, "digits", "vpt-deep", "deep16", "prompts.per-block = 16", 0.70, 0.72, 0.74);
    runs(digits, "digits", "pro-vpt", "pro", null, 0.63, 0.64, 0.68, 0.10, 0.10);
    runs(digits, "digits", "pro-vpt", "pro1", "prompts.per-block = 1", 0.60, 0.61, 0.62);
    runs(digits, "digits", "pro-vpt", "pro8", "prompts.per-block = 8", 0.66, 0.67, 0.68);
    runs(digits, "digits", "pro-vpt", "pro16", "prompts.per-block = 16", 0.65, 0.66, 0.70);
    runs(digits, "digits", "vpt-deep", "deep-e5", "epochs", 0.64, 0.65, 0.69);
    runs(digits, "digits", "pro-vpt", "pro-e5", "epochs", 0.70, 0.70, 0.72);
    Path count = root.resolve("results/count");
    runs(count, "count", "vpt-deep", "deep", null, 0.40, 0.42, 0.10, 0.10, 0.10);
    runs(count, "count", "vpt-deep", "deep1", "prompts.per-block = 1", 0.30, 0.34, 0.99);
    runs(count, "count", "vpt-deep", "deep16", "prompts.per-block = 16", 0.45, 0.47);
    runs(count, "count", "pro-vpt", "pro", null, 0.41, 0.45, 0.99, 0.99, 0.99);
    runs(count, "count", "pro-vpt", "pro1", "prompts.per-block = 1", 0.40, 0.42, 0.50);
    return root.resolve("results");
  }

  private String page(Path results) throws Exception {
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.toString(), "--out", page.toString()));
    return Files.readString(page);
  }

  @Test
  void bothMethodsPerCountOnCommonSeedsWithTheirSpreads() throws Exception {
    String md = page(fixture(tmp));
    String section = md.substring(md.indexOf("## Prompts per block"), md.indexOf("## Longer schedules"));
    for (String line : List.of(
        "| task | seeds | | 1 | 4 (default) | 8 | 16 | spread |",
        "| digits | 1, 2, 3 | VPT-Deep | 52.00 ± 2.00 (3) | 62.00 ± 2.00 (3) | 68.00 ± 2.00 (3) | 72.00 ± 2.00 (3) "
            + "| 20.00 |\n"
            + "| digits | 1, 2, 3 | PRO-VPT | 61.00 ± 1.00 (3) | 65.00 ± 2.65 (3) | 67.00 ± 1.00 (3) "
            + "| 67.00 ± 2.65 (3) | 6.00 |\n"
            + "| digits | 1, 2, 3 | PRO-VPT − VPT-Deep | +9.00 [+6.52, +11.48] ahead | +3.00 [+0.52, +5.48] ahead "
            + "| -1.00 [-3.48, +1.48] no detectable difference | -5.00 [-7.48, -2.52] behind | -14.00 |",
        "| count | 1, 2 | VPT-Deep | 32.00 ± 2.83 (2) | 41.00 ± 1.41 (2) | — | 46.00 ± 1.41 (2) | 9.00 |\n"
            + "| count | 1, 2 | PRO-VPT | 41.00 ± 1.41 (2) | 43.00 ± 2.83 (2) | — | — | 2.00 |\n"
            + "| count | 1, 2 | PRO-VPT − VPT-Deep | +9.00 [-3.71, +21.71] no detectable difference "
            + "| +2.00 [-10.71, +14.71] no detectable difference | — | — | -7.00 |",
        "Across prompt counts, PRO-VPT's spread is smaller than VPT-Deep's on 2 of 2 tasks (digits, count), larger "
            + "on 0, equal on 0; mean spread over those tasks: PRO-VPT 4.00, VPT-Deep 14.50 points. A spread is the "
            + "range of a few means of 2–3 seeds each and has no interval here; no test compares the two methods' "
            + "spreads, so this describes these runs and neither confirms nor refutes the claim. At 1 per block, "
            + "PRO-VPT is ahead of VPT-Deep on 1 of 2 tasks (digits); behind on 0; no detectable difference on 1 "
            + "(count). At 4 per block, PRO-VPT is ahead of VPT-Deep on 1 of 2 tasks (digits); behind on 0; no "
            + "detectable difference on 1 (count). At 8 per block, PRO-VPT is ahead of VPT-Deep on 0 of 1 task; "
            + "behind on 0; no detectable difference on 1 (digits). At 16 per block, PRO-VPT is ahead of VPT-Deep "
            + "on 0 of 1 task; behind on 1 (digits); no detectable difference on 0.")) {
      assertTrue(section.contains(line), line + "\n" + section);
    }
    String reading = md.substring(md.indexOf("## Reading"), md.indexOf("## Tab. 1"));
    assertTrue(reading.contains("**Prompts per block ([PRO-VPT] §4.5).** Across prompt counts, PRO-VPT's spread is "
        + "smaller than VPT-Deep's on 2 of 2 tasks"), reading);
    // Tab. 1 keeps the defaults' five seeds
    assertTrue(md.contains("| vpt-deep | 5 | 73.20 ± 15.40 | 22.40 ± 16.99 |"), md);
  }

  @Test
  void aLongerScheduleAgainstTheUsualOneOnTheSameSeeds() throws Exception {
    String md = page(fixture(tmp));
    int start = md.indexOf("## Longer schedules");
    String section = md.substring(start, md.indexOf("\n## ", start));
    for (String line : List.of(
        "| digits | 1, 2, 3 | 3 → 5 | VPT-Deep | 62.00 ± 2.00 | 66.00 ± 2.65 | +4.00 [+1.52, +6.48] | above |\n"
            + "| digits | 1, 2, 3 | 3 → 5 | PRO-VPT | 65.00 ± 2.65 | 70.67 ± 1.15 | +5.67 [+1.87, +9.46] | above |\n"
            + "| digits | 1, 2, 3 | 3 → 5 | PRO-VPT − VPT-Deep | +3.00 [+0.52, +5.48] ahead "
            + "| +4.67 [+0.87, +8.46] ahead | +1.67 [-4.07, +7.40] | no detectable difference |",
        "At 5 epochs against the usual ones, VPT-Deep is above itself on 1 of 1 task (digits); below on 0; no "
            + "detectable difference on 0. PRO-VPT is above itself on 1 of 1 task (digits); below on 0; no "
            + "detectable difference on 0. At 5 epochs PRO-VPT is ahead of VPT-Deep on 1 of 1 task (digits); behind "
            + "on 0; no detectable difference on 0. Its gap to VPT-Deep, longer − usual, is above zero on 0 of 1 "
            + "task; below on 0; no detectable difference on 1 (digits).")) {
      assertTrue(section.contains(line), line + "\n" + section);
    }
    assertFalse(section.contains("| count |"), "count has no longer schedule");
  }

  @Test
  void resultsJsonCarriesTheSpreadsAndTheLongerSchedule() throws Exception {
    page(fixture(tmp));
    JsonNode json = JSON.readTree(tmp.resolve("docs/results").resolve(ResultsReport.RESULTS_JSON).toFile());
    JsonNode counts = json.get("prompts_per_block");
    assertEquals(4, counts.get("default_per_block").asInt());
    JsonNode digits = counts.at("/tasks/digits");
    assertEquals(List.of(1L, 2L, 3L), longs(digits.get("seeds")));
    JsonNode deep = digits.at("/methods/vpt-deep");
    assertEquals("vpt-deep (per-block=1)", deep.at("/per_block/1/configuration").asText());
    assertEquals(0.52, deep.at("/per_block/1/mean").asDouble(), 1e-12);
    assertEquals("vpt-deep", deep.at("/per_block/4/configuration").asText());
    assertEquals(List.of(1L, 2L, 3L), longs(deep.at("/per_block/4/seeds")), "the default on the common seeds only");
    assertEquals(0.20, deep.get("spread").asDouble(), 1e-12);
    assertEquals(0.06, digits.at("/methods/pro-vpt/spread").asDouble(), 1e-12);
    JsonNode gap16 = digits.at("/pro_vpt_minus_vpt_deep/16");
    assertEquals(-0.05, gap16.get("difference").asDouble(), 1e-12);
    assertEquals(-0.05 - 4.3026527 * 0.01 / Math.sqrt(3), gap16.get("low").asDouble(), 1e-7);
    assertEquals("below", gap16.get("class").asText());
    assertEquals(0.09, counts.at("/tasks/count/methods/vpt-deep/spread").asDouble(), 1e-12);
    assertTrue(counts.at("/tasks/count/pro_vpt_minus_vpt_deep/16").isMissingNode());
    assertEquals(List.of("digits", "count"), ResultsReportTest.iterable(counts.get("tasks").fieldNames()));
    assertEquals(0.145, counts.at("/mean_spread/vpt-deep").asDouble(), 1e-12);
    assertEquals(0.04, counts.at("/mean_spread/pro-vpt").asDouble(), 1e-12);

    JsonNode longer = json.get("longer_schedules");
    assertEquals(1, longer.size());
    JsonNode e5 = longer.get(0);
    assertEquals("digits", e5.get("task").asText());
    assertEquals(5, e5.get("epochs").asInt());
    assertEquals(3, e5.get("usual_epochs").asInt());
    assertEquals(0.62, e5.at("/methods/vpt-deep/usual/mean").asDouble(), 1e-12);
    assertEquals(3, e5.at("/methods/vpt-deep/usual/n").asInt());
    assertEquals("vpt-deep (epochs=5)", e5.at("/methods/vpt-deep/longer/configuration").asText());
    assertEquals(0.04, e5.at("/methods/vpt-deep/longer_minus_usual/difference").asDouble(), 1e-12);
    assertEquals("above", e5.at("/methods/pro-vpt/longer_minus_usual/class").asText());
    assertEquals(0.05 / 3, e5.at("/pro_vpt_minus_vpt_deep/change/difference").asDouble(), 1e-12);
    assertEquals("none", e5.at("/pro_vpt_minus_vpt_deep/change/class").asText());
  }

  /** Without runs off the default count or the usual epochs there is neither section nor its numbers. */
  @Test
  void noSuchRunsNoSection() throws Exception {
    String md = page(ResultsReportTest.fixture(tmp));
    assertFalse(md.contains("## Prompts per block"), md);
    assertFalse(md.contains("## Longer schedules"), md);
    assertFalse(md.contains("**Prompts per block"), md);
    JsonNode json = JSON.readTree(tmp.resolve("docs/results").resolve(ResultsReport.RESULTS_JSON).toFile());
    assertNull(json.get("prompts_per_block"));
    assertNull(json.get("longer_schedules"));
    ResultsReport report = ResultsReport.read(List.of(ResultsReportTest.fixture(tmp)));
    assertTrue(PromptCounts.of(report).isEmpty());
    assertTrue(LongerSchedules.of(report).isEmpty());
  }
}
