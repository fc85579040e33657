package dev.provpt.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.cli.Main;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
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
    // and the interval of their mean: ± 12.7062047 · s/√2, s/√2 = |d1 − d2| / 2: digits ± 12.71 · 0.01 = 12.71,
    // count ± 12.71 · 0.02 = 25.41
    assertTrue(md.contains("| digits | natural | [1, 2] | +3.00, +5.00 | +4.00 ± 1.41 | [-8.71, +16.71] |"), md);
    assertTrue(md.contains("| count | structured | [1, 2] | +6.00, +2.00 | +4.00 ± 2.83 | [-21.41, +29.41] |"), md);

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
    assertEquals(0.45, reference.entry(dev.provpt.method.Method.VPT_DEEP).mean(), 1e-12);
    assertEquals(Math.sqrt(0.005), reference.entry(dev.provpt.method.Method.VPT_DEEP).std(), 1e-12);
    assertEquals(2, reference.entry(dev.provpt.method.Method.LINEAR).n());
    assertEquals("reference (" + tmp.resolve("docs/RESULTS.md") + ", 2 seeds, train800val200): PRO-VPT 0.490 ± 0.042, VPT-Deep 0.450 ± 0.071, "
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
    // PRO-VPT in bf16 on digits: 0.72, 0.80 against fp32's 0.73, 0.79: Δ -1, +1 → mean 0, s/√2 = 0.01, half width
    // 12.7062047 · 0.01 → [−12.71, +12.71], no detectable difference
    run(digits.resolve("bf16-seed1"), "digits", "pro-vpt", "taylor", 1, 0.72, new int[] {2, 3, 4, 7},
        new double[] {1.0, 1.1, 1.2}, true);
    run(digits.resolve("bf16-seed2"), "digits", "pro-vpt", "taylor", 2, 0.80, new int[] {4, 3, 2, 7},
        new double[] {1.0, 1.1, 1.2}, true);
    setInConfig(digits.resolve("bf16-seed1"), "precision = \"bf16\"");
    setInConfig(digits.resolve("bf16-seed2"), "precision = \"bf16\"");
    // VPT-Deep with 8 prompts per block: 0.80, 0.86 against 0.70, 0.74: +10, +12 → mean 0.11, s/√2 = 0.01 →
    // [−1.71, +23.71]: no detectable difference (the old rule, mean > std, called it above)
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
    // VPT-Shallow on digits: 0.80, 0.76 against VPT-Deep's 0.70, 0.74: +10, +2 → mean 0.06, s/√2 = 0.04, half
    // 12.7062047 · 0.04 = 0.508248 → [−44.82, +56.82], no detectable difference
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
    assertTrue(md.contains("| pro-vpt (precision=bf16) | pro-vpt | digits | 2 | 2 | 76.00 ± 4.24 | 76.00 ± 5.66 "
        + "| +0.00 [-12.71, +12.71] | no detectable difference | 2.25 | 1.10 | 2.05× |"), md);
    assertTrue(md.contains("| vpt-deep (per-block=8) | vpt-deep | digits | 2 | 2 | 72.00 ± 2.83 | 83.00 ± 4.24 "
        + "| +11.00 [-1.71, +23.71] | no detectable difference | 1.50 | 3.00 | 0.50× |"), md);
    assertTrue(md.contains("**pro-vpt (precision=bf16) vs pro-vpt.** Above on 0 of 1 task; below on 0; no detectable "
        + "difference on 1 (digits). Over the 1 task: mean difference +0.00 ± 0.00; Wilcoxon signed-rank p = 1.000 "
        + "(W+ = 0, W− = 0, 1 zero dropped), sign test p = 1.000 (0 positive, 0 negative): no detectable difference "
        + "over tasks at the 5% level (none could be, with 0 non-zero differences)."), md);
    // 1 seed against 2: the difference of the means, 75 - 72, and no interval
    assertTrue(md.contains("| vpt-deep (epochs=5) | vpt-deep | digits | 1 | 1 | 72.00 ± 2.83 | 75.00 ± 0.00 "
        + "| +3.00 (means) | no interval (< 2 common seeds) |"), md);
    // PRO-VPT against VPT-Deep at the same prompts per block: one common seed (78 against 80), so no interval
    assertTrue(md.contains("**pro-vpt (per-block=8) vs vpt-deep (per-block=8).** At the same settings, PRO-VPT is "
        + "ahead of VPT-Deep on 0 of 1 task; behind on 0; no detectable difference on 0; no interval (fewer than 2 "
        + "common seeds) on 1 (digits)."), md);
    assertTrue(md.contains("| digits | 2.25 | 1.50 | 1.500 | 1000.0 (cached) | 1000.0 | 1000.0 | 1000.0 |"), md);
    assertTrue(md.contains("**VPT-Shallow vs VPT-Deep.** Per task, VPT-Shallow is ahead of VPT-Deep on 0 of 1 task; "
        + "behind on 0; no detectable difference on 1 (digits)."), md);
    assertTrue(md.contains("| digits | natural | 2 | +6.00 | [-44.82, +56.82] | no detectable difference |"), md);
    // Tab. 3 names the schedule
    assertTrue(md.contains("| taylor | ppo | online | input-gate | warmup-epochs=5 | 1 | 70.00 ± 0.00 | 70.00 |"), md);
    assertTrue(!md.contains("| taylor | ppo | online | input-gate | precision"), md);
    JsonNode json = JSON.readTree(tmp.resolve("docs/results").resolve(ResultsReport.RESULTS_JSON).toFile());
    JsonNode bf16 = json.get("tasks").get("digits").get("methods").get("pro-vpt (precision=bf16)");
    assertEquals("pro-vpt", bf16.get("compared_with").asText());
    assertEquals("precision=bf16", bf16.get("settings").get(0).asText());
  }

  /**
   * Three seeds, where the 95% interval (Student t, 2 degrees of freedom: t = 4.3026527) can exclude zero: digits
   * and count (natural, structured) with linear, VPT-Deep, PRO-VPT and random pruning, and letters with one seed
   * of VPT-Deep and PRO-VPT only (no interval). The Reading on it is checked in {@link #theReadingClassesByTheInterval}.
   */
  static Path readingFixture(Path root) throws Exception {
    Files.createDirectories(root.resolve("backbone"));
    Files.writeString(root.resolve("backbone/model.conf"), "width = 64\ndepth = 4\n");
    int[] uniform = {4, 4, 4, 4};
    double[] fast = {1.0, 1.5, 1.5};
    Path results = root.resolve("results");
    double[][] digits = {{0.50, 0.52, 0.54}, {0.60, 0.63, 0.66}, {0.62, 0.61, 0.70}, {0.61, 0.64, 0.67}};
    double[][] count = {{0.30, 0.31, 0.32}, {0.25, 0.27, 0.26}, {0.20, 0.22, 0.21}, {0.25, 0.30, 0.20}};
    for (var task : Map.of("digits", digits, "count", count).entrySet()) {
      double[][] acc = task.getValue();
      for (int seed = 1; seed <= 3; seed++) {
        Path dir = results.resolve(task.getKey());
        run(dir.resolve("linear-seed" + seed), task.getKey(), "linear", null, seed, acc[0][seed - 1], new int[0], fast,
            true);
        run(dir.resolve("vpt-deep-seed" + seed), task.getKey(), "vpt-deep", null, seed, acc[1][seed - 1], uniform, fast,
            true);
        run(dir.resolve("pro-vpt-seed" + seed), task.getKey(), "pro-vpt", "taylor", seed, acc[2][seed - 1], uniform,
            fast, true);
        run(dir.resolve("random-seed" + seed), task.getKey(), "pro-vpt", "random", seed, acc[3][seed - 1], uniform,
            fast, true);
      }
    }
    run(results.resolve("letters/vpt-deep-seed1"), "letters", "vpt-deep", null, 1, 0.60, uniform, fast, true);
    run(results.resolve("letters/pro-vpt-seed1"), "letters", "pro-vpt", "taylor", 1, 0.55, uniform, fast, true);
    return results;
  }

  /**
   * The expected Reading is written out here, computed by hand from {@link #readingFixture} (t = 4.3026527 for
   * 2 degrees of freedom; half width = t · s / √3):
   * <pre>
   * VPT-Deep − linear, digits: 0.10 0.11 0.12, mean 0.11, s 0.01, half 0.0248414 → [+8.52, +13.48], above
   *                    count: −0.05 −0.04 −0.06, mean −0.05, s 0.01 → [−7.48, −2.52], below
   *   over the 2 tasks: +0.11, −0.05 → mean +3.00, std 0.16/√2 = 11.31; ranks 2 (+), 1 (−): W+ 2, W− 1; every one
   *   of the 4 sign patterns is as far from E W+ = 1.5, p = 1; sign test 1 up 1 down, p = 1
   * PRO-VPT − VPT-Deep, digits: 0.02 −0.02 0.04, mean 0.01333, s 0.0305505, half 0.0758915 → [−6.26, +8.92], none
   *                    count: −0.05 ×3, s 0 → [−5.00, −5.00], behind
   *                    letters: one seed, 0.55 − 0.60 = −5.00 (means), no interval
   *   over the 3 tasks: +0.0133, −0.05, −0.05 → mean −2.89, std 3.66; sizes tie at 0.05: ranks 1, 2.5, 2.5,
   *   W+ 1, W− 5; doubled ranks 2 5 5 (sum 12), subset sums 0 2 5 5 7 7 10 12, as far as 2 from 6: 0 2 10 12,
   *   p = 4/8 = 0.5; sign test 1 up 2 down: P(X ≤ 1) = 4/8, p = 1
   *   natural (digits, letters): mean −1.83, std (0.0133 + 0.05)/√2 = 4.48; structured: −5.00 ± 0.00
   * random − VPT-Deep, digits: 0.01 ×3 → [+1.00, +1.00], ahead; count: 0 0.03 −0.06, mean −0.01, s 0.0458258,
   *   half 0.1138375 → [−12.38, +10.38], none; over tasks +0.01, −0.01: mean 0.00, std 1.41, ranks tie 1.5 each, p = 1
   * </pre>
   */
  @Test
  void theReadingClassesByTheInterval() throws Exception {
    Path results = readingFixture(tmp);
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.toString(), "--out", page.toString()));
    String md = Files.readString(page);
    String reading = md.substring(md.indexOf("## Reading"), md.indexOf("## Tab. 1"));
    for (String line : List.of(
        "**Transfer: VPT-Deep − linear probe.** Per task, VPT-Deep is above the linear probe on 1 of 2 tasks (digits); "
            + "below on 1 (count); no detectable difference on 0. Over the 2 tasks: mean difference +3.00 ± 11.31; "
            + "Wilcoxon signed-rank p = 1.000 (W+ = 2, W− = 1), sign test p = 1.000 (1 positive, 1 negative): no "
            + "detectable difference over tasks at the 5% level (none could be, with 2 non-zero differences). By group: "
            + "natural: +11.00 ± 0.00 (1 task); structured: -5.00 ± 0.00 (1 task). Not run, so not compared: "
            + "the linear probe on letters.",
        "| digits | natural | 3 | +11.00 | [+8.52, +13.48] | above |",
        "| count | structured | 3 | -5.00 | [-7.48, -2.52] | below |",
        "**PRO-VPT vs VPT-Deep.** Per task, PRO-VPT is ahead of VPT-Deep on 0 of 3 tasks; behind on 1 (count); no "
            + "detectable difference on 1 (digits); no interval (fewer than 2 common seeds) on 1 (letters). Over the 3 "
            + "tasks: mean difference -2.89 ± 3.66; Wilcoxon signed-rank p = 0.500 (W+ = 1, W− = 5), sign test "
            + "p = 1.000 (1 positive, 2 negative): no detectable difference over tasks at the 5% level (none could be, "
            + "with 3 non-zero differences). By group: natural: -1.83 ± 4.48 (2 tasks); structured: -5.00 ± 0.00 "
            + "(1 task).",
        "| digits | natural | 3 | +1.33 | [-6.26, +8.92] | no detectable difference |",
        "| letters | natural | 1 | -5.00 (means) | — | no interval (< 2 common seeds) |",
        "| count | structured | 3 | -5.00 | [-5.00, -5.00] | behind |",
        "| pro-vpt (default) | 3 | -2.89 ± 3.66 | 0.500 | 1.000 | — | count | digits | letters (< 2 common seeds) |",
        "| pro-vpt (prune=random) | 2 | +0.00 ± 1.41 | 1.000 | 1.000 | digits | — | count | — |",
        "| pro-vpt (default) | +1.33 [-6.26, +8.92] n = 3 | -5.00 (means) n = 1 | -5.00 [-5.00, -5.00] n = 3 |",
        "| pro-vpt (prune=random) | +1.00 [+1.00, +1.00] n = 3 | — | -1.00 [-12.38, +10.38] n = 3 |",
        "**Seeds.** Tab. 1: 1–3 seeds per cell; Tab. 3's variants: 3 (each table's n column")) {
      assertTrue(reading.contains(line), line + "\n" + reading);
    }
  }

  /** With only two seeds the interval is ±12.71 standard errors: differences that look clear are not detectable. */
  @Test
  void twoSeedsRarelyTellMethodsApart() throws Exception {
    Path results = fixture(tmp);
    Path page = tmp.resolve("docs/RESULTS.md");
    assertEquals(0, Main.execute("report", results.toString(), "--out", page.toString()));
    String md = Files.readString(page);
    // VPT-Deep − linear on digits: 0.20, 0.14 → mean 0.17, s/√2 = 0.03, half 12.7062047 · 0.03 = 0.381186
    // → [−21.12, +55.12]; count: 0.10, 0.16 → mean 0.13 → [−25.12, +51.12]. The old rule (mean > std) called both above
    assertTrue(md.contains("| digits | natural | 2 | +17.00 | [-21.12, +55.12] | no detectable difference |"), md);
    assertTrue(md.contains("| count | structured | 2 | +13.00 | [-25.12, +51.12] | no detectable difference |"), md);
    assertTrue(md.contains("Per task, VPT-Deep is above the linear probe on 0 of 2 tasks; below on 0; no detectable "
        + "difference on 2 (digits, count)."), md);
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
      var console = dev.provpt.Console.capture(() -> Main.execute("report", results.toString(), "--out",
          page.toString(), "--notes", notes.toString()));
      String message = console.err();
      assertEquals(2, console.value(), message);
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
