package dev.provpt.sweep.scheduler;

import static dev.provpt.sweep.scheduler.Asha.Decision.PAUSE;
import static dev.provpt.sweep.scheduler.Asha.Decision.PROMOTE;
import static dev.provpt.sweep.scheduler.Asha.Decision.TOP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ASHA replayed over made-up grid curves, worked by hand (η = 2, rungs at epochs 1, 2, 4, one slot). */
class AshaReplayTest {
  @TempDir
  Path tmp;

  private static final AshaSettings SETTINGS = new AshaSettings(2, 1, 3);

  /** Four grid points, four epochs each; p3 starts worst and ends best, so ASHA (stopping it at epoch 1) misses it. */
  private static List<GridCurves> curves() {
    return List.of(curve("p0", 0.50, 0.55, 0.60, 0.62), curve("p1", 0.40, 0.70, 0.72, 0.75),
        curve("p2", 0.60, 0.61, 0.62, 0.63), curve("p3", 0.30, 0.35, 0.40, 0.80));
  }

  private static GridCurves curve(String run, double... val) {
    List<Double> acc = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    for (double v : val) {
      acc.add(v);
      loss.add(1 - v);
    }
    return new GridCurves(run, acc, loss);
  }

  @Test
  void theReplayMakesTheHandWorkedDecisions() throws Exception {
    var outcome = AshaReplay.search(curves(), SETTINGS, 4, 1);
    // p0 alone at rung 0 pauses; p1 arrives worse, so p0 is promoted from its pause; p2 is the best of three at
    // rung 0 and of two at rung 1, and reaches the top; p3 arrives last, fourth of four at rung 0, and stops
    List<String> expected = List.of("0@0 0.5 PAUSE", "1@0 0.4 PAUSE", "0@1 0.55 PAUSE", "2@0 0.6 PROMOTE",
        "2@1 0.61 PROMOTE", "2@2 0.63 TOP", "3@0 0.3 PAUSE");
    assertEquals(expected, outcome.events().stream().map(e -> e.segment().run() + "@" + e.segment().rung() + " "
        + e.metric() + " " + e.decision()).toList());
    assertEquals(List.of(PAUSE, PAUSE, PAUSE, PROMOTE, PROMOTE, TOP, PAUSE),
        outcome.events().stream().map(AshaSearch.Event::decision).toList());
    assertEquals(2, outcome.pick());
    assertEquals(8, outcome.epochsTrained());
    assertEquals(List.of(2, 1, 4, 1), outcome.runs().stream().map(AshaSearch.RunEnd::epochs).toList());

    AshaReplay.Result result = AshaReplay.compare(curves(), SETTINGS, 1);
    assertEquals(3, result.gridPick());
    assertEquals(2, result.ashaPick());
    assertFalse(result.agree());
    assertEquals(0.63 - 0.80, result.ashaPickLastVal() - result.gridPickLastVal(), 1e-12);
    assertEquals(16, result.gridEpochs());
    // ranks at epoch 1: (3, 2, 4, 1), at 2 and 3: (2, 4, 3, 1), at 4: (1, 3, 2, 4): rho = 1 - 6 sum d^2 / (n(n^2-1))
    assertArrayEquals(new double[] {-0.8, -0.2, -0.2, 1.0}, result.spearmanVal(), 1e-12);
    assertEquals(4, result.stableFromVal());
    assertEquals(4, result.stableFromBest(), "rising curves: the best so far is the last");
  }

  /**
   * Two slots: p0 and p1 end epoch 1 together and report in grid order (t = 1: p0 pauses, its slot takes p2; p1
   * pauses and p0, now top of two, takes p1's slot); at t = 2 p0 (rung 1) and p2 (rung 0) end together, p0 pauses
   * and p3 starts, p2 is promoted; at t = 3 p2 is promoted again before p3 reports; p2 reaches the top at t = 5.
   */
  @Test
  void twoSlotsOnTheEpochClockReportInTimeThenGridOrder() throws Exception {
    var outcome = AshaReplay.search(curves(), SETTINGS, 4, 2);
    assertEquals(List.of("0@0 PAUSE", "1@0 PAUSE", "0@1 PAUSE", "2@0 PROMOTE", "2@1 PROMOTE", "3@0 PAUSE", "2@2 TOP"),
        outcome.events().stream().map(e -> e.segment().run() + "@" + e.segment().rung() + " " + e.decision()).toList());
    assertEquals(8, outcome.epochsTrained());
    assertEquals(2, outcome.pick());
  }

  @Test
  void stabilityIsTheFirstEpochFromWhichRhoStaysHigh() {
    assertEquals(3, AshaReplay.stableFrom(new double[] {0.95, 0.5, 0.9, 0.99, 1.0}));
    assertEquals(-1, AshaReplay.stableFrom(new double[] {0.95, Double.NaN}));
    assertEquals(1, AshaReplay.stableFrom(new double[] {1.0}));
  }

  @Test
  void aGridCutShortIsNotReplayedAsAFullOne() {
    List<GridCurves> ragged = new ArrayList<>(curves());
    ragged.set(1, curve("p1", 0.40, 0.70));
    var error = assertThrows(IllegalArgumentException.class, () -> AshaReplay.compare(ragged, SETTINGS, 1));
    assertTrue(error.getMessage().contains("grid run p1 has 2 epoch(s)"), error.getMessage());
  }

  /** The page over a results folder: one report with curves (the fixture above), one without. */
  @Test
  void thePageReplaysReportsWithCurvesAndNamesTheOthers() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path results = tmp.resolve("results");
    Files.createDirectories(results.resolve("a/deep"));
    Files.createDirectories(results.resolve("b/linear"));
    Map<String, Object> withCurves = new LinkedHashMap<>();
    withCurves.put("grid", List.of());
    withCurves.put(GridCurves.KEY, curves().stream().map(GridCurves::toJson).toList());
    json.writeValue(results.resolve("a/deep/report.json").toFile(), withCurves);
    json.writeValue(results.resolve("b/linear/report.json").toFile(), Map.of("grid", List.of()));

    Path page = tmp.resolve("ASHA.md");
    int code = dev.provpt.cli.Main.execute("asha-replay", results.toString(), "--set",
        "sweep.asha.reduction-factor=2", "--set", "sweep.asha.min-epochs=1", "--set", "sweep.asha.rungs=3",
        "--out", page.toString());
    assertEquals(0, code);
    String md = Files.readString(page);
    assertTrue(md.contains("| a/deep | 4 x 4 epochs | p3 (0.8000) | p2 (4) | no | 0.8000, 0.6300, -0.1700 | "
        + "8 / 16 (50%) | 4; 4 |"), md);
    assertTrue(md.contains("ASHA picked the grid's setting on 0 of 1 grids and trained 8 of their 16 epochs (50%)."), md);
    assertTrue(md.contains("| a/deep | -0.80, -0.20, -0.20, 1.00 |"), md);
    assertTrue(md.contains("| b/linear | no grid curves"), md);
    assertTrue(md.contains("Generated by `provpt asha-replay " + results), md);

    // without any curves the page says so, with no figure
    Files.delete(results.resolve("a/deep/report.json"));
    assertEquals(0, dev.provpt.cli.Main.execute("asha-replay", results.toString(), "--out", page.toString()));
    assertTrue(Files.readString(page).contains("**No replay yet.** None of the 1 sweep report(s)"));
    assertEquals(2, dev.provpt.cli.Main.execute("asha-replay", tmp.resolve("nowhere").toString(), "--out",
        page.toString()));
  }

  /**
   * With base_variant (reports written since it exists) the spread is over that variant's finals alone: the same
   * method at 8 prompts per block, with the same setting, does not count; a sweep with no base variant has none.
   */
  @Test
  void theSeedSpreadIsOverTheBaseVariantsFinalsOnly() {
    ObjectMapper json = new ObjectMapper();
    List<Map<String, Object>> finals = new ArrayList<>();
    for (double[] v : new double[][] {{0.60, 0}, {0.62, 0}, {0.66, 0}, {0.10, 1}, {0.90, 1}}) {
      Map<String, Object> run = fin("vpt-deep", 2, v[0]);
      run.put("variant", v[1] == 0 ? "vpt-deep" : "vpt-deep-8-per-block");
      finals.add(run);
    }
    Map<String, Object> report = report(curves(), "the base experiment (method vpt-deep), once", finals);
    report.put("base_method", "vpt-deep");
    report.put("base_variant", "vpt-deep");
    SeedSpread spread = SeedSpread.of(json.valueToTree(report), "p2");
    assertEquals(3, spread.seeds());
    assertEquals(0.030551, spread.std(), 1e-6); // sample std of 0.60, 0.62, 0.66 by hand: sqrt(0.00186667 / 2)
    // a report from before base_variant: the method alone picks the finals, so all five count
    report.remove("base_method");
    report.remove("base_variant");
    assertEquals(5, SeedSpread.of(json.valueToTree(report), "p2").seeds());
    report.put("base_variant", null);
    SeedSpread none = SeedSpread.of(json.valueToTree(report), "p2");
    assertTrue(Double.isNaN(none.std()) && none.missing().contains("no variant is the base experiment"), none.toString());
  }

  /** A report.json over {@code curves} whose grid point pN has base_lr 0.N and weight decay 0.01, with these finals. */
  private static Map<String, Object> report(List<GridCurves> curves, String searchedWith,
      List<Map<String, Object>> finals) {
    Map<String, Object> report = new LinkedHashMap<>();
    if (searchedWith != null) {
      report.put("grid_searched_with", searchedWith);
    }
    List<Map<String, Object>> grid = new ArrayList<>();
    for (int i = 0; i < curves.size(); i++) {
      grid.add(Map.of("run", "p" + i, "base_lr", 0.1 * (i + 1), "weight_decay", 0.01, "seed", 1));
    }
    report.put("grid", grid);
    report.put(GridCurves.KEY, curves.stream().map(GridCurves::toJson).toList());
    if (finals != null) {
      report.put("final", finals);
    }
    return report;
  }

  private static Map<String, Object> fin(String method, int point, double test) {
    Map<String, Object> run = new LinkedHashMap<>(Map.of("base_lr", 0.1 * (point + 1), "weight_decay", 0.01,
        "test_acc", test));
    if (method != null) {
      run.put("method", method);
    }
    return run;
  }

  /**
   * The seed spread of the grid's pick and "within spread", over four made-up sweeps: the same pick (a deep sweep
   * whose pro-vpt finals must not count), a different pick within the spread, one outside it (a final of another
   * setting must not count), and one without finals; then the summary per kind.
   */
  @Test
  void withinSpreadComparesTheDifferenceAtTheLastEpochWithTheSeedSpreadOfTheGridsPick() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path results = tmp.resolve("results");
    // p2 ends best, so the grid and ASHA both pick it
    List<GridCurves> same = List.of(curve("p0", 0.50, 0.55, 0.60, 0.62), curve("p1", 0.40, 0.45, 0.50, 0.55),
        curve("p2", 0.60, 0.61, 0.62, 0.90), curve("p3", 0.30, 0.35, 0.40, 0.45));
    Map<String, List<Object>> sweeps = new LinkedHashMap<>();
    sweeps.put("t1/deep", List.of(same, List.of(fin("vpt-deep", 2, 0.60), fin("vpt-deep", 2, 0.62),
        fin("pro-vpt", 2, 0.10), fin("pro-vpt", 2, 0.90))));
    // curves(): the grid picks p3 (0.80 at the last epoch), ASHA p2 (0.63): 0.17 apart
    sweeps.put("t2/linear", List.of(curves(), List.of(fin(null, 3, 0.50), fin(null, 3, 0.90))));
    sweeps.put("t3/linear", List.of(curves(), List.of(fin(null, 3, 0.70), fin(null, 3, 0.72), fin(null, 0, 0.10))));
    for (var sweep : sweeps.entrySet()) {
      Files.createDirectories(results.resolve(sweep.getKey()));
      @SuppressWarnings("unchecked")
      var curves = (List<GridCurves>) sweep.getValue().get(0);
      @SuppressWarnings("unchecked")
      var finals = (List<Map<String, Object>>) sweep.getValue().get(1);
      String searched = sweep.getKey().endsWith("deep") ? "the base experiment (method vpt-deep), once; its choice "
          + "is shared by every variant" : null;
      json.writeValue(results.resolve(sweep.getKey()).resolve("report.json").toFile(), report(curves, searched,
          finals));
    }
    Files.createDirectories(results.resolve("t4/pixels"));
    json.writeValue(results.resolve("t4/pixels/report.json").toFile(), report(curves(), null, null));

    Path page = tmp.resolve("ASHA.md");
    assertEquals(0, dev.provpt.cli.Main.execute("asha-replay", results.toString(), "--set",
        "sweep.asha.reduction-factor=2", "--set", "sweep.asha.min-epochs=1", "--set", "sweep.asha.rungs=3",
        "--out", page.toString()));
    String md = Files.readString(page);
    // sample std of (0.60, 0.62) and of (0.70, 0.72): 0.02 / sqrt 2 = 0.0141; of (0.5, 0.9): 0.4 / sqrt 2 = 0.2828
    assertTrue(md.contains("| t1/deep | 4 x 4 epochs | p2 (0.9000) | p2 (4) | yes |"), md);
    assertTrue(md.contains(" | 0.0141 (2) | yes |\n| t2/linear"), md);
    assertTrue(md.contains("| t2/linear | 4 x 4 epochs | p3 (0.8000) | p2 (4) | no | 0.8000, 0.6300, -0.1700 |"), md);
    assertTrue(md.contains(" | 0.2828 (2) | yes |\n| t3/linear"), md);
    assertTrue(md.contains(" | 0.0141 (2) | no |\n| t4/pixels"), md);
    assertTrue(md.contains("| t4/pixels | 4 x 4 epochs | p3 (0.8000) | p2 (4) | no |"), md);
    assertTrue(md.contains(" | — | — |\n"), md);
    assertTrue(md.contains("**linear**: within the seed spread on 1 of 2 task(s); ASHA trained 16 of the grid's 32 "
        + "epochs (50.0%). Criterion: not yet: 2 of 9 tasks collected."), md);
    assertTrue(md.contains("**pixels**: within the seed spread on 0 of 1 task(s) (1 without finals to judge by)"), md);
    assertTrue(md.contains("**shallow**: no sweep replayed. Criterion: not yet: 0 of 9 tasks collected."), md);

    // nine tasks of one kind: eight with the same pick and one outside the spread meet the count, not the epochs
    for (int t = 0; t < 8; t++) {
      Files.createDirectories(results.resolve("s" + t + "/shallow"));
      json.writeValue(results.resolve("s" + t + "/shallow/report.json").toFile(), report(same, null, null));
    }
    Files.createDirectories(results.resolve("s8/shallow"));
    Files.copy(results.resolve("t3/linear/report.json"), results.resolve("s8/shallow/report.json"));
    assertEquals(0, dev.provpt.cli.Main.execute("asha-replay", results.toString(), "--set",
        "sweep.asha.reduction-factor=2", "--set", "sweep.asha.min-epochs=1", "--set", "sweep.asha.rungs=3",
        "--out", page.toString()));
    md = Files.readString(page);
    assertTrue(md.contains("**shallow**: within the seed spread on 8 of 9 task(s); ASHA trained"), md);
    assertTrue(md.contains("Criterion: not met (too many epochs)."), md);
  }

  /** A made-up replayed pixels sweep of two grid points: ASHA picks p0 or p1, spending ashaEpochs of 100. */
  private static AshaPage.Entry pixels(int task, int ashaPick, int ashaEpochs) {
    List<GridCurves> curves = List.of(curve("p0", 0.5, 0.8), curve("p1", 0.5, 0.7));
    var result = new AshaReplay.Result(2, 2, 0, ashaPick, 2, 0.8, ashaPick == 0 ? 0.8 : 0.7, ashaEpochs, 100,
        new double[] {1, 1}, new double[] {1, 1}, null);
    return new AshaPage.Entry("t" + task + "/pixels", curves, result, null, new SeedSpread(0.05, 5, null));
  }

  /** The criterion per kind: at least 8 of 9 tasks within the spread, at no more than 40% of the epochs. */
  @Test
  void theCriterionNeedsEightOfNineTasksWithinTheSpreadAtFortyPercentOfTheEpochs() {
    List<AshaPage.Entry> entries = new ArrayList<>();
    for (int t = 0; t < 9; t++) {
      entries.add(pixels(t, t == 0 ? 1 : 0, 40)); // task 0: 0.1 apart, outside a spread of 0.05
    }
    String md = AshaPage.markdown(entries, SETTINGS, 1, "test");
    assertTrue(md.contains("**pixels**: within the seed spread on 8 of 9 task(s); ASHA trained 360 of the grid's "
        + "900 epochs (40.0%). Criterion: met."), md);
    assertTrue(md.contains("| t0/pixels | 2 x 2 epochs | p0 (0.8000) | p1 (2) | no | 0.8000, 0.7000, -0.1000 | "
        + "40 / 100 (40%) | 1; 1 | 0.0500 (5) | no |"), md);

    entries.set(1, pixels(1, 1, 41));
    md = AshaPage.markdown(entries, SETTINGS, 1, "test");
    assertTrue(md.contains("**pixels**: within the seed spread on 7 of 9 task(s); ASHA trained 361 of the grid's "
        + "900 epochs (40.1%). Criterion: not met (too few tasks within the spread, too many epochs)."), md);
  }
}
