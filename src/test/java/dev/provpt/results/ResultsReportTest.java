package dev.provpt.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.cli.Main;
import dev.provpt.report.EpochRecord;
import dev.provpt.report.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code provpt report} on a fixture of run directories laid out as {@code provpt compare} writes them: two
 * suite tasks (digits: natural, count: structured) × linear, VPT-Deep, PRO-VPT × seeds 1 and 2, plus a
 * PRO-VPT variant with random pruning on digits; every number checked below follows from the fixture by hand.
 */
class ResultsReportTest {
  @TempDir
  Path tmp;

  static final ObjectMapper JSON = new ObjectMapper();

  /** One run: summary.json and metrics.jsonl (epoch seconds as given, tune phase 1 s each). */
  static void run(Path dir, String task, String method, String prune, long seed, double testAcc, int[] distribution,
      double[] epochSeconds, boolean withWidth) throws Exception {
    Files.createDirectories(dir);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", task);
    s.put("method", method);
    if (method.equals("pro-vpt")) {
      s.put("prune", prune);
      s.put("allocate", "ppo");
      s.put("scoring", "online");
      s.put("idleness", "input-gate");
    }
    s.put("backbone", dir.getParent().getParent().getParent().resolve("backbone").toString());
    s.put("task", task + "/train800val200");
    if (withWidth) {
      s.put("classes", task.equals("digits") ? 10 : 8);
      s.put("width", 64);
    }
    s.put("train_size", 1000);
    s.put("seed", seed);
    s.put("test_acc", testAcc);
    s.put("best_val_acc", 0.9);
    s.put("distribution", distribution);
    s.put("relocations", 3);
    JSON.writeValue(dir.resolve(RunDirectory.SUMMARY).toFile(), s);
    StringBuilder lines = new StringBuilder();
    for (int e = 0; e < epochSeconds.length; e++) {
      Map<String, Double> phases = EpochRecord.emptyPhaseSeconds();
      phases.put("tune", 1.0);
      lines.append(new EpochRecord(e + 1, method, 1, 0.5, 1, 0.5, e == epochSeconds.length - 1 ? testAcc : null,
          distribution, null, null, null, null, epochSeconds[e], phases).toJson()).append('\n');
    }
    Files.writeString(dir.resolve(RunDirectory.METRICS), lines);
    // the backbone as a config gives it (relative to the working directory, with a redundant ./), unlike the summary
    Files.writeString(dir.resolve(RunDirectory.CONFIG), "provpt {\n  backbone = \"./models/fixture-vit/\"\n"
        + "  data {\n    kind = \"suite\"\n    suite {\n"
        + "      task = \"" + task + "\"\n    }\n  }\n  prompts {\n    shallow-count = 32\n  }\n"
        + "  train {\n    base-lr = " + (method.equals("linear") ? "2.5" : "0.5") + "\n    weight-decay = 0.001\n"
        + "    epochs = " + epochSeconds.length + "\n  }\n}\n");
  }

  static Path fixture(Path root) throws Exception {
    Files.createDirectories(root.resolve("backbone"));
    Files.writeString(root.resolve("backbone/model.conf"), "width = 64\ndepth = 4\n");
    int[] uniform = {4, 4, 4, 4};
    double[] fast = {1.0, 1.5, 1.5};
    Path digits = root.resolve("results/digits");
    run(digits.resolve("linear-seed1"), "digits", "linear", null, 1, 0.50, new int[0], fast, true);
    run(digits.resolve("linear-seed2"), "digits", "linear", null, 2, 0.60, new int[0], fast, true);
    run(digits.resolve("vpt-deep-seed1"), "digits", "vpt-deep", null, 1, 0.70, uniform, fast, true);
    run(digits.resolve("vpt-deep-seed2"), "digits", "vpt-deep", null, 2, 0.74, uniform, new double[] {1.5, 2.0, 1.0},
        true);
    run(digits.resolve("pro-vpt-seed1"), "digits", "pro-vpt", "taylor", 1, 0.73, new int[] {2, 3, 4, 7},
        new double[] {2.0, 2.2, 2.4}, true);
    run(digits.resolve("pro-vpt-seed2"), "digits", "pro-vpt", "taylor", 2, 0.79, new int[] {4, 3, 2, 7},
        new double[] {2.1, 2.3, 9.0}, true);
    run(digits.resolve("random-seed1"), "digits", "pro-vpt", "random", 1, 0.71, uniform, fast, true);
    run(digits.resolve("random-seed2"), "digits", "pro-vpt", "random", 2, 0.75, uniform, fast, true);
    Files.writeString(digits.resolve("commands.txt"),
        "provpt compare --set data.kind=suite --set data.suite.task=digits --variant linear:method=linear ...\n");
    Path count = root.resolve("results/count");
    // count's linear probe: no width or classes in its summary, so they come from model.conf and config.conf
    run(count.resolve("linear-seed1"), "count", "linear", null, 1, 0.30, new int[0], fast, false);
    run(count.resolve("linear-seed2"), "count", "linear", null, 2, 0.34, new int[0], fast, false);
    run(count.resolve("vpt-deep-seed1"), "count", "vpt-deep", null, 1, 0.40, uniform, fast, true);
    run(count.resolve("vpt-deep-seed2"), "count", "vpt-deep", null, 2, 0.50, uniform, fast, true);
    run(count.resolve("pro-vpt-seed1"), "count", "pro-vpt", "taylor", 1, 0.46, new int[] {1, 5, 5, 5}, fast, true);
    run(count.resolve("pro-vpt-seed2"), "count", "pro-vpt", "taylor", 2, 0.52, new int[] {3, 5, 5, 3}, fast, true);
    return root.resolve("results");
  }

  @Test
  void provptReportWritesTheTablesFromTheRuns() throws Exception {
    Path results = fixture(tmp);
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.resolve("digits").toString(), results.resolve("count").toString(),
        "--out", page.toString()));
    String md = Files.readString(page);

    // Tab. 1: tasks grouped (digits natural, count structured), mean ± sample std, group and global means
    assertTrue(md.contains("| method | n | digits (natural) | count (structured) | mean natural | mean structured "
        + "| global mean |"), md);
    assertTrue(md.contains("| linear | 2 | 55.00 ± 7.07 | 32.00 ± 2.83 | 55.00 | 32.00 | 43.50 |"), md);
    assertTrue(md.contains("| vpt-deep | 2 | 72.00 ± 2.83 | 45.00 ± 7.07 | 72.00 | 45.00 | 58.50 |"), md);
    assertTrue(md.contains("| pro-vpt | 2 | 76.00 ± 4.24 | 49.00 ± 4.24 | 76.00 | 49.00 | 62.50 |"), md);
    assertTrue(!md.contains("| vpt-shallow |"), "no row for a method that was not run");
    // trainable parameters: 16 prompts x 64 + 64 x 10 + 10; the count linear probe's from model.conf and config.conf
    assertTrue(md.contains("| linear | 650 | 520 |"), md);
    assertTrue(md.contains("| pro-vpt | 1,674 | 1,544 |"), md);

    // Tab. 3: the default and the random-pruning variant on digits
    assertTrue(md.contains("| taylor | ppo | online | input-gate | — | 2 | 76.00 ± 4.24 | 76.00 |"), md);
    assertTrue(md.contains("| random | ppo | online | input-gate | — | 2 | 73.00 ± 2.83 | 73.00 |"), md);

    // paired differences by seed: digits 0.73-0.70, 0.79-0.74; count 0.46-0.40, 0.52-0.50
    assertTrue(md.contains("| digits | natural | [1, 2] | +3.00, +5.00 | +4.00 ± 1.41 |"), md);
    assertTrue(md.contains("| count | structured | [1, 2] | +6.00, +2.00 | +4.00 ± 2.83 |"), md);

    // distributions: mean over seeds per block
    assertTrue(md.contains("| digits | 3.00 | 3.00 | 3.00 | 7.00 |"), md);
    assertTrue(md.contains("| count | 2.00 | 5.00 | 5.00 | 4.00 |"), md);

    // cost: digits PRO-VPT median of 2.0 2.1 2.2 2.3 2.4 9.0 = 2.25, VPT-Deep median 1.5, ratio 1.5; 1000 images / 1 s
    assertTrue(md.contains("| digits | 2.25 | 1.50 | 1.500 | 1000.0 | 1000.0 | 1000.0 |"), md);

    // commands, machine, figures
    assertTrue(md.contains("provpt compare --set data.kind=suite --set data.suite.task=digits"), md);
    assertTrue(md.contains("no `commands.txt`"), md);
    assertTrue(md.contains("- cores: " + Runtime.getRuntime().availableProcessors()), md);
    for (String figure : List.of(ResultsReport.PAIRED_CHART, ResultsReport.DIFFERENCE_CHART,
        ResultsReport.DISTRIBUTION_CHART)) {
      Path png = tmp.resolve("docs/results").resolve(figure);
      assertTrue(Files.size(png) > 1000, png.toString());
      assertTrue(md.contains("](results/" + figure + ")"), md);
    }
  }

  /** results.json beside the figures: per task and configuration, the numbers of the page and the runs' settings. */
  @Test
  void provptReportAlsoWritesResultsJson() throws Exception {
    Path results = fixture(tmp);
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.resolve("digits").toString(), results.resolve("count").toString(),
        "--out", page.toString()));
    assertTrue(Files.readString(page).contains("`results/results.json`"));
    var json = JSON.readTree(tmp.resolve("docs/results").resolve(ResultsReport.RESULTS_JSON).toFile());
    assertEquals(page.toString(), json.get("page").asText());
    assertTrue(json.get("command").asText().startsWith("provpt report "));
    // tasks in page order, with their groups; configurations: Tab. 1's methods, then the variants
    assertEquals(List.of("digits", "count"), iterable(json.get("tasks").fieldNames()));
    assertEquals("natural", json.at("/tasks/digits/group").asText());
    assertEquals("structured", json.at("/tasks/count/group").asText());
    assertEquals(List.of("linear", "vpt-deep", "pro-vpt", "pro-vpt (prune=random)"),
        iterable(json.at("/tasks/digits/methods").fieldNames()));
    assertEquals(List.of("linear", "vpt-deep", "pro-vpt"), iterable(json.at("/tasks/count/methods").fieldNames()));

    var deep = json.at("/tasks/digits/methods/vpt-deep");
    assertEquals("vpt-deep", deep.get("method").asText());
    assertEquals("models/fixture-vit", deep.get("backbone").asText()); // config.conf's, normalised
    assertEquals("train800val200", deep.get("split").asText());
    assertEquals(2, deep.get("n").asInt());
    assertEquals(List.of(1L, 2L), longs(deep.get("seeds")));
    assertEquals(0.70, deep.get("test_acc").get(0).asDouble(), 1e-12);
    assertEquals(0.74, deep.get("test_acc").get(1).asDouble(), 1e-12);
    assertEquals(0.72, deep.get("mean").asDouble(), 1e-12);
    assertEquals(Math.sqrt(0.0008), deep.get("std").asDouble(), 1e-12);
    assertEquals(16 * 64 + 64 * 10 + 10, deep.get("trainable_parameters").asLong());
    assertEquals(0.5, deep.get("base_lr").asDouble());
    assertEquals(0.001, deep.get("weight_decay").asDouble());
    assertEquals(3, deep.get("epochs").asInt());
    assertEquals(2, deep.get("runs").size());
    assertTrue(deep.at("/runs/1/directory").asText().endsWith("digits/vpt-deep-seed2"));

    var linear = json.at("/tasks/count/methods/linear");
    assertEquals(0.32, linear.get("mean").asDouble(), 1e-12);
    assertEquals(Math.sqrt(0.0008), linear.get("std").asDouble(), 1e-12);
    assertEquals(64 * 8 + 8, linear.get("trainable_parameters").asLong()); // from model.conf and config.conf
    assertEquals(2.5, linear.get("base_lr").asDouble());
    assertEquals(0.73, json.at("/tasks/digits/methods/pro-vpt (prune=random)/mean").asDouble(), 1e-12);
  }

  /** ReferenceResults answers (backbone, task) from the results.json the report wrote. */
  @Test
  void referenceResultsReadTheReportsJson() throws Exception {
    Path results = fixture(tmp);
    Path figures = tmp.resolve("docs/results");
    ResultsReport.read(List.of(results)).write(tmp.resolve("docs/RESULTS.md"), figures, "provpt report results");
    var reference = ReferenceResults.load(figures.resolve(ResultsReport.RESULTS_JSON)).orElseThrow()
        .lookup("models/fixture-vit/", "count").orElseThrow();
    assertEquals("models/fixture-vit", reference.backbone());
    assertEquals(0.45, reference.vptDeep().mean(), 1e-12);
    assertEquals(Math.sqrt(0.005), reference.vptDeep().std(), 1e-12);
    assertEquals(2, reference.linear().n());
    assertEquals("reference (" + tmp.resolve("docs/RESULTS.md") + ", 2 seeds, train800val200): VPT-Deep 0.450 ± 0.071, "
        + "linear probe 0.320 ± 0.028 — this run: 0.431", reference.line(0.4312, "train800val200"));
    assertTrue(ReferenceResults.load(figures.resolve(ResultsReport.RESULTS_JSON)).orElseThrow()
        .lookup("models/other-vit", "count").isEmpty(), "another backbone has no reference");
    assertTrue(ReferenceResults.load(tmp.resolve("absent.json")).isEmpty());
  }

  static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  static List<Long> longs(com.fasterxml.jackson.databind.JsonNode array) {
    List<Long> list = new java.util.ArrayList<>();
    array.forEach(n -> list.add(n.asLong()));
    return list;
  }

  @Test
  void theNumbersAreAlsoAvailableToCallers() throws Exception {
    ResultsReport report = ResultsReport.read(List.of(fixture(tmp)));
    assertEquals(List.of("digits", "count"), report.tasks());
    assertEquals(List.of("natural", "structured"), report.groups());
    assertEquals(0.625, report.globalMean("pro-vpt"), 1e-12);
    assertEquals(List.of("pro-vpt", "pro-vpt (prune=random)"), report.proVptConfigurations());
    var d = report.pairedDifference("count");
    assertEquals(List.of(1L, 2L), d.seeds());
    assertEquals(0.04, d.mean(), 1e-12);
    assertEquals(Math.sqrt(0.0008), d.std(), 1e-12);
    assertEquals(1.5, report.epochCostRatio("digits"), 1e-12);
    assertEquals(1000.0, report.imagesPerSecond("pro-vpt", "count"), 1e-12);
  }

  /** Adds {@code provpt { key = value }} lines to a fixture run's config.conf (HOCON merges the later object). */
  static void setInConfig(Path dir, String... keyValues) throws Exception {
    StringBuilder extra = new StringBuilder("provpt {\n");
    for (String kv : keyValues) {
      extra.append("  ").append(kv).append("\n");
    }
    Files.writeString(dir.resolve(RunDirectory.CONFIG), Files.readString(dir.resolve(RunDirectory.CONFIG))
        + extra.append("}\n"));
  }

  /**
   * bf16 and 8 prompts per block are compared with their own defaults, not put in Tab. 1 or Tab. 3; a schedule
   * setting (warm-up) is a Tab. 3 row with its schedule named.
   */
  @Test
  void settingsOffTheirDefaultsAreComparedWithTheSameConfigurationAtTheDefaults() throws Exception {
    Path results = fixture(tmp);
    int[] uniform = {4, 4, 4, 4};
    Path digits = results.resolve("digits");
    // PRO-VPT in bf16 on digits: 0.72, 0.80 against fp32's 0.73, 0.79: Δ -1, +1 → 0.00 ± 1.41, within
    run(digits.resolve("bf16-seed1"), "digits", "pro-vpt", "taylor", 1, 0.72, new int[] {2, 3, 4, 7},
        new double[] {1.0, 1.1, 1.2}, true);
    run(digits.resolve("bf16-seed2"), "digits", "pro-vpt", "taylor", 2, 0.80, new int[] {4, 3, 2, 7},
        new double[] {1.0, 1.1, 1.2}, true);
    setInConfig(digits.resolve("bf16-seed1"), "precision = \"bf16\"");
    setInConfig(digits.resolve("bf16-seed2"), "precision = \"bf16\"");
    // VPT-Deep with 8 prompts per block: 0.80, 0.86 against 0.70, 0.74: +10, +12 → +11.00 ± 1.41, above
    run(digits.resolve("deep8-seed1"), "digits", "vpt-deep", null, 1, 0.80, new int[] {8, 8, 8, 8},
        new double[] {3.0, 3.0, 3.0}, true);
    run(digits.resolve("deep8-seed2"), "digits", "vpt-deep", null, 2, 0.86, new int[] {8, 8, 8, 8},
        new double[] {3.0, 3.0, 3.0}, true);
    setInConfig(digits.resolve("deep8-seed1"), "prompts.per-block = 8");
    setInConfig(digits.resolve("deep8-seed2"), "prompts.per-block = 8");
    // PRO-VPT with 8 prompts per block on seed 1 only: 0.78 against VPT-Deep's 0.80 at the same setting (means)
    run(digits.resolve("pro8-seed1"), "digits", "pro-vpt", "taylor", 1, 0.78, new int[] {8, 8, 8, 8},
        new double[] {3.0, 3.0, 3.0}, true);
    setInConfig(digits.resolve("pro8-seed1"), "prompts.per-block = 8");
    // VPT-Shallow on digits: 0.80, 0.76 against VPT-Deep's 0.70, 0.74: +10, +2 → +6.00 ± 5.66, ahead
    run(digits.resolve("shallow-seed1"), "digits", "vpt-shallow", null, 1, 0.80, new int[] {32, 0, 0, 0},
        new double[] {2, 2, 2}, true);
    run(digits.resolve("shallow-seed2"), "digits", "vpt-shallow", null, 2, 0.76, new int[] {32, 0, 0, 0},
        new double[] {2, 2, 2}, true);
    // a linear probe on cached features: its images/s say so
    setInConfig(digits.resolve("linear-seed1"), "train.cache-features = true");
    // PRO-VPT with a 5-epoch warm-up: a Tab. 3 row
    run(digits.resolve("warmup-seed1"), "digits", "pro-vpt", "taylor", 1, 0.70, uniform, new double[] {1, 1, 1}, true);
    // VPT-Deep for 5 epochs instead of the usual 3: 0.75 against 0.70 on seed 1 (one seed: the means decide)
    run(digits.resolve("deep5-seed1"), "digits", "vpt-deep", null, 1, 0.75, uniform, new double[] {1, 1, 1, 1, 1},
        true);
    setInConfig(digits.resolve("warmup-seed1"), "pro-vpt.warmup-epochs = 5");

    ResultsReport report = ResultsReport.read(List.of(results));
    assertEquals(Map.of("pro-vpt (precision=bf16)", "pro-vpt", "vpt-deep (per-block=8)", "vpt-deep",
        "vpt-deep (epochs=5)", "vpt-deep", "pro-vpt (per-block=8)", "pro-vpt"), report.settingsVariants());
    assertEquals(List.of("pro-vpt", "pro-vpt (prune=random)", "pro-vpt (warmup-epochs=5)"),
        report.proVptConfigurations(), "bf16 is no ablation row");
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.resolve("digits").toString(), results.resolve("count").toString(),
        "--out", page.toString()));
    String md = Files.readString(page);
    // Tab. 1 is unchanged: the bf16 and 8-per-block runs are not pooled with the defaults' seeds
    assertTrue(md.contains("| vpt-deep | 2 | 72.00 ± 2.83 | 45.00 ± 7.07 | 72.00 | 45.00 | 58.50 |"), md);
    assertTrue(md.contains("| pro-vpt | 2 | 76.00 ± 4.24 | 49.00 ± 4.24 | 76.00 | 49.00 | 62.50 |"), md);
    // the settings table: epoch medians 2.25 (fp32 PRO-VPT) / 1.1 → 2.05×; VPT-Deep 1.5 / 3.0 → 0.50×
    assertTrue(md.contains("| pro-vpt (precision=bf16) | pro-vpt | digits | 2 | 76.00 ± 4.24 | 76.00 ± 5.66 "
        + "| +0.00 ± 1.41 | within | 2.25 | 1.10 | 2.05× |"), md);
    assertTrue(md.contains("| vpt-deep (per-block=8) | vpt-deep | digits | 2 | 72.00 ± 2.83 | 83.00 ± 4.24 "
        + "| +11.00 ± 1.41 | above | 1.50 | 3.00 | 0.50× |"), md);
    assertTrue(md.contains("**pro-vpt (precision=bf16) vs pro-vpt.** Above by more than the spread on 0 of 1 task; "
        + "below on 0; within on 1 (digits). Mean difference over the tasks: +0.00 ± 0.00"), md);
    // 1 seed against 2: the difference of the means, 75 - 72, against the larger std (2.83): above
    assertTrue(md.contains("| vpt-deep (epochs=5) | vpt-deep | digits | 1 | 72.00 ± 2.83 | 75.00 ± 0.00 "
        + "| +3.00 ± 2.83 (means) | above |"), md);
    // PRO-VPT against VPT-Deep at the same prompts per block: 78 against 80 and 86 (means 78 − 83), spread 4.24
    assertTrue(md.contains("**pro-vpt (per-block=8) vs vpt-deep (per-block=8).** PRO-VPT ahead of VPT-Deep at the "
        + "same settings by more than the spread on 0 of 1 task; behind on 1 (digits); within on 0."), md);
    assertTrue(md.contains("| digits | 2.25 | 1.50 | 1.500 | 1000.0 (cached) | 1000.0 | 1000.0 | 1000.0 |"), md);
    assertTrue(md.contains("**VPT-Shallow vs VPT-Deep.** VPT-Shallow is ahead of VPT-Deep by more than the spread "
        + "on 1 of 1 tasks (digits); behind by more than the spread on 0; within the spread on 0."), md);
    assertTrue(md.contains("| digits | natural | 2 | +6.00 | 5.66 | paired | ahead |"), md);
    // Tab. 3 names the schedule
    assertTrue(md.contains("| taylor | ppo | online | input-gate | warmup-epochs=5 | 1 | 70.00 ± 0.00 | 70.00 |"), md);
    assertTrue(!md.contains("| taylor | ppo | online | input-gate | precision"), md);
    JsonNode json = JSON.readTree(tmp.resolve("docs/results").resolve(ResultsReport.RESULTS_JSON).toFile());
    JsonNode bf16 = json.get("tasks").get("digits").get("methods").get("pro-vpt (precision=bf16)");
    assertEquals("pro-vpt", bf16.get("compared_with").asText());
    assertEquals("precision=bf16", bf16.get("settings").get(0).asText());
  }

  /** The fixture plus a within-the-spread variant (count) and a one-seed task without a linear probe (letters). */
  static Path extendedFixture(Path root) throws Exception {
    Path results = fixture(root);
    int[] uniform = {4, 4, 4, 4};
    double[] fast = {1.0, 1.5, 1.5};
    Path count = results.resolve("count");
    run(count.resolve("random-seed1"), "count", "pro-vpt", "random", 1, 0.41, uniform, fast, true);
    run(count.resolve("random-seed2"), "count", "pro-vpt", "random", 2, 0.49, uniform, fast, true);
    Path letters = results.resolve("letters");
    run(letters.resolve("vpt-deep-seed1"), "letters", "vpt-deep", null, 1, 0.60, uniform, fast, true);
    run(letters.resolve("pro-vpt-seed1"), "letters", "pro-vpt", "taylor", 1, 0.55, uniform, fast, true);
    return results;
  }

  /** The Reading on the fixture: for this test's own account of it see {@link #assertReading}. */
  @Test
  void theReadingClassesEachTaskAsTheFixturesSeedsSay() throws Exception {
    Path results = fixture(tmp);
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.toString(), "--out", page.toString()));
    String md = Files.readString(page);
    assertReading(results, md);
    // on the plain fixture every comparison is above the spread (a check on assertReading's arithmetic)
    assertTrue(md.contains("VPT-Deep is above the linear probe by more than the seed spread on 2 of 2 tasks "
        + "(digits, count); below it by more than the spread on 0; within the spread on 0."), md);
  }

  @Test
  void theReadingSaysWhatIsWithinTheSpreadBehindItAndNotRun() throws Exception {
    Path results = extendedFixture(tmp);
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.toString(), "--out", page.toString()));
    String md = Files.readString(page);
    assertReading(results, md);
    // letters has one seed each: the means decide, PRO-VPT 0.55 < VPT-Deep 0.60; count's random variant straddles 0
    assertTrue(md.contains("behind by more than the spread on 1 (letters)"), md);
    assertTrue(md.contains("| pro-vpt (prune=random) | 2 | "), md);
    // random pruning: ahead on digits, behind nowhere, within on count (its numbers are checked by assertReading)
    assertTrue(md.contains(" | digits | — | count | — |"), md);
    assertTrue(md.contains("Not run, so not compared: the linear probe on letters."), md);
    assertTrue(md.contains("Methods of Tab. 1 not run on any task: vpt-shallow."), md);
  }

  @Test
  void theReadingSaysNotRunWhenAMethodIsAbsent() throws Exception {
    int[] uniform = {4, 4, 4, 4};
    Files.createDirectories(tmp.resolve("backbone"));
    Path digits = tmp.resolve("results/digits");
    run(digits.resolve("vpt-deep-seed1"), "digits", "vpt-deep", null, 1, 0.70, uniform, new double[] {1.0}, true);
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", digits.toString(), "--out", page.toString()));
    String md = Files.readString(page);
    assertTrue(md.contains("**Transfer: VPT-Deep − linear probe.** Not run: the linear probe has no runs."), md);
    assertTrue(md.contains("**PRO-VPT vs VPT-Deep.** Not run: PRO-VPT has no runs."), md);
    assertTrue(md.contains("**VPT-Shallow vs VPT-Deep.** Not run: VPT-Shallow has no runs."), md);
    assertTrue(md.contains("Not run: no PRO-VPT variant other than the default."), md);
    assertTrue(md.contains("Methods of Tab. 1 not run on any task: linear, vpt-shallow, pro-vpt."), md);
  }

  /**
   * Checks the Reading of {@code md} against an account computed here from the runs' summary.json files (their
   * test_acc per seed), by the rule the page states: paired by seed with ≥ 2 common seeds (mean of the differences
   * against their sample std), else the difference of the means against the larger std.
   */
  static void assertReading(Path results, String md) throws Exception {
    Map<String, Map<String, java.util.TreeMap<Long, Double>>> acc = new LinkedHashMap<>();
    try (var files = Files.walk(results)) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals(RunDirectory.SUMMARY)).toList()) {
        var s = JSON.readTree(f.toFile());
        String task = s.get("task").asText().split("/")[0];
        String prune = s.path("prune").asText("taylor");
        String configuration = s.get("method").asText() + (prune.equals("taylor") ? "" : " (prune=" + prune + ")");
        acc.computeIfAbsent(task, t -> new LinkedHashMap<>()).computeIfAbsent(configuration, c -> new java.util.TreeMap<>())
            .put(s.get("seed").asLong(), s.get("test_acc").asDouble());
      }
    }
    // page order: natural (digits, letters), then structured (count)
    List<String> tasks = java.util.stream.Stream.of("digits", "letters", "count").filter(acc::containsKey).toList();
    assertTrue(md.indexOf("## Reading") > md.indexOf("**How to read.**") && md.indexOf("## Reading") < md.indexOf("## Tab. 1"));

    List<double[]> transfer = new java.util.ArrayList<>();
    List<String> transferTasks = new java.util.ArrayList<>();
    for (String t : tasks) {
      double[] c = expected(acc.get(t).get("vpt-deep"), acc.get(t).get("linear"));
      if (c != null) {
        transfer.add(c);
        transferTasks.add(t);
        assertTrue(md.contains(row(t, c, "above", "below")), row(t, c, "above", "below") + "\n" + md);
      }
    }
    assertTrue(md.contains("VPT-Deep is above the linear probe by more than the seed spread on "
        + classed(transfer, transferTasks, 1) + " of " + transfer.size() + " tasks"), md);

    List<double[]> pro = new java.util.ArrayList<>();
    List<String> proTasks = new java.util.ArrayList<>();
    for (String t : tasks) {
      double[] c = expected(acc.get(t).get("pro-vpt"), acc.get(t).get("vpt-deep"));
      if (c != null) {
        pro.add(c);
        proTasks.add(t);
        assertTrue(md.contains(row(t, c, "ahead", "behind")), row(t, c, "ahead", "behind") + "\n" + md);
      }
    }
    String sentence = "PRO-VPT is ahead of VPT-Deep by more than the spread on " + classed(pro, proTasks, 1) + " of "
        + pro.size() + " tasks" + listed(pro, proTasks, 1) + "; behind by more than the spread on "
        + classed(pro, proTasks, -1) + listed(pro, proTasks, -1) + "; within the spread on " + classed(pro, proTasks, 0)
        + listed(pro, proTasks, 0) + ". Mean difference over the " + pro.size() + " tasks: "
        + meanStd(pro.stream().map(c -> c[0]).toList());
    assertTrue(md.contains(sentence), sentence + "\n" + md);
    List<Double> natural = new java.util.ArrayList<>();
    for (int i = 0; i < proTasks.size(); i++) {
      if (!proTasks.get(i).equals("count")) {
        natural.add(pro.get(i)[0]);
      }
    }
    assertTrue(md.contains("; natural: " + meanStd(natural) + " (" + natural.size()
        + (natural.size() == 1 ? " task)" : " tasks)")), md);

    // Tab. 3's rows against VPT-Deep
    for (String variant : List.of("pro-vpt", "pro-vpt (prune=random)")) {
      List<double[]> cs = new java.util.ArrayList<>();
      List<String> ts = new java.util.ArrayList<>();
      for (String t : tasks) {
        double[] c = expected(acc.get(t).get(variant), acc.get(t).get("vpt-deep"));
        if (c != null) {
          cs.add(c);
          ts.add(t);
        }
      }
      String expectedRow = "| " + (variant.equals("pro-vpt") ? "pro-vpt (default)" : variant) + " | " + cs.size() + " | "
          + meanStd(cs.stream().map(c -> c[0]).toList()) + " | " + names(cs, ts, 1) + " | " + names(cs, ts, -1) + " | "
          + names(cs, ts, 0) + " | — |";
      assertTrue(md.contains(expectedRow), expectedRow + "\n" + md);
    }
  }

  /** {mean difference, spread, side (1 above, -1 below, 0 within), common seeds, paired 1/0}; null if one is absent. */
  static double[] expected(java.util.TreeMap<Long, Double> a, java.util.TreeMap<Long, Double> b) {
    if (a == null || b == null) {
      return null;
    }
    List<Long> common = a.keySet().stream().filter(b::containsKey).toList();
    double m;
    double s;
    if (common.size() >= 2) {
      List<Double> d = common.stream().map(k -> a.get(k) - b.get(k)).toList();
      m = d.stream().mapToDouble(x -> x).sum() / d.size();
      s = std(d);
    } else {
      m = a.values().stream().mapToDouble(x -> x).sum() / a.size() - b.values().stream().mapToDouble(x -> x).sum() / b.size();
      s = Math.max(std(List.copyOf(a.values())), std(List.copyOf(b.values())));
    }
    return new double[] {m, s, m > s ? 1 : m < -s ? -1 : 0, common.size(), common.size() >= 2 ? 1 : 0};
  }

  static double std(List<Double> v) {
    if (v.size() < 2) {
      return 0;
    }
    double m = v.stream().mapToDouble(x -> x).sum() / v.size();
    return Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (v.size() - 1));
  }

  static String row(String task, double[] c, String above, String below) {
    return String.format(java.util.Locale.ROOT, "| %s | %s | %d | %+.2f | %.2f | %s | %s |", task,
        task.equals("count") ? "structured" : "natural", (int) c[3], 100 * c[0], 100 * c[1], c[4] == 1 ? "paired" : "means",
        c[2] == 1 ? above : c[2] == -1 ? below : "within");
  }

  static String meanStd(List<Double> d) {
    return String.format(java.util.Locale.ROOT, "%+.2f ± %.2f", 100 * d.stream().mapToDouble(x -> x).sum() / d.size(),
        100 * std(d));
  }

  static long classed(List<double[]> cs, List<String> tasks, int side) {
    return cs.stream().filter(c -> c[2] == side).count();
  }

  static String names(List<double[]> cs, List<String> tasks, int side) {
    List<String> in = new java.util.ArrayList<>();
    for (int i = 0; i < cs.size(); i++) {
      if (cs.get(i)[2] == side) {
        in.add(tasks.get(i));
      }
    }
    return in.isEmpty() ? "—" : String.join(", ", in);
  }

  static String listed(List<double[]> cs, List<String> tasks, int side) {
    String n = names(cs, tasks, side);
    return n.equals("—") ? "" : " (" + n + ")";
  }

  @Test
  void notesAreIncludedVerbatimAfterTheReading() throws Exception {
    Path results = fixture(tmp);
    Path notes = tmp.resolve("notes.md");
    Files.writeString(notes, "We ran 3 seeds of 20 epochs per task; see results.json for the settings.\n\n"
        + "- ViT-B/16 was not tried.\n");
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.toString(), "--out", page.toString(), "--notes", notes.toString()));
    String md = Files.readString(page);
    int reading = md.indexOf("## Reading");
    int section = md.indexOf("## Notes\n\nWe ran 3 seeds of 20 epochs per task; see results.json for the settings.\n\n"
        + "- ViT-B/16 was not tried.\n\n## Tab. 1");
    assertTrue(reading > 0 && section > reading, md);
    assertTrue(md.contains("--notes " + notes), "the command on the page names the notes");
  }

  @Test
  void notesTypingADecimalOrAPercentageAreRefusedWithOneLine() throws Exception {
    Path results = fixture(tmp);
    Path page = tmp.resolve("docs/RESULTS.md");
    for (String typed : List.of("0.71", "71.2", "12%", "12 %")) {
      Path notes = tmp.resolve("notes.md");
      Files.writeString(notes, "# What we tried\n\n3 seeds; PRO-VPT reached " + typed + " on digits.\n");
      var err = new java.io.ByteArrayOutputStream();
      var saved = System.err;
      int code;
      try {
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        code = Main.execute("report", results.toString(), "--out", page.toString(), "--notes", notes.toString());
      } finally {
        System.setErr(saved);
      }
      String message = err.toString(java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(2, code, message);
      assertEquals(1, message.strip().lines().count(), message);
      assertTrue(message.contains(notes + ":3: ") && message.contains("\"" + typed + "\"")
          && message.contains("PRO-VPT reached " + typed + " on digits."), message);
      assertTrue(!Files.exists(page), "nothing written");
    }
  }

  @Test
  void anEmptyDirectoryIsRefusedWithOneLine() throws Exception {
    Files.createDirectories(tmp.resolve("none"));
    assertEquals(2, Main.execute("report", tmp.resolve("none").toString(), "--out", tmp.resolve("r.md").toString()));
  }
}
