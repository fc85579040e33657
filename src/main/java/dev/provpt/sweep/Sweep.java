package dev.provpt.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.config.Settings;
import dev.provpt.config.SettingsException;
import dev.provpt.report.RunDirectory;
import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunService;
import dev.provpt.stats.Moments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The paper's protocol as runs: a base-lr × weight-decay grid tuned on train/val with the first
 * seed, then the setting with the best validation accuracy trained on train+val with every seed
 * and reported on test as mean ± std.
 */
public final class Sweep {
  /** One run of a sweep: its directory name and the overrides that make it. */
  public record RunSpec(String name, List<String> overrides) {}

  private final Path experiment;
  private final List<String> baseOverrides;
  private final List<Double> learningRates;
  private final List<Double> weightDecays;
  private final List<Long> seeds;
  private final RunPacking packing;

  public Sweep(Path experiment, List<String> overrides) {
    this.experiment = experiment;
    this.baseOverrides = List.copyOf(overrides);
    var config = ConfigLoader.load(experiment, overrides);
    packing = RunPacking.of(config);
    Settings s = new Settings(config);
    learningRates = s.doubles("provpt.sweep.base-lr");
    weightDecays = s.doubles("provpt.sweep.weight-decay");
    seeds = s.longs("provpt.sweep.seeds");
    if (learningRates.isEmpty() || weightDecays.isEmpty() || seeds.isEmpty()) {
      throw new SettingsException("provpt.sweep.base-lr, weight-decay and seeds must each list at least one value");
    }
  }

  /** The grid: one run per (base-lr, weight-decay), on train/val, with the first seed. */
  public List<RunSpec> gridRuns() {
    List<RunSpec> runs = new ArrayList<>();
    for (double lr : learningRates) {
      for (double wd : weightDecays) {
        runs.add(new RunSpec("grid-lr" + lr + "-wd" + wd, with("train.base-lr=" + lr, "train.weight-decay=" + wd,
            "seed=" + seeds.get(0), "data.train-on-train-val=false")));
      }
    }
    return runs;
  }

  /** The final runs: the chosen setting on train+val, one per seed. */
  public List<RunSpec> finalRuns(double lr, double wd) {
    List<RunSpec> runs = new ArrayList<>();
    for (long seed : seeds) {
      runs.add(new RunSpec("final-seed" + seed, with("train.base-lr=" + lr, "train.weight-decay=" + wd,
          "seed=" + seed, "data.train-on-train-val=true")));
    }
    return runs;
  }

  private List<String> with(String... extra) {
    List<String> all = new ArrayList<>(packing.overrides());
    all.addAll(baseOverrides);
    all.addAll(List.of(extra));
    return all;
  }

  /** How the runs share the machine (provpt.sweep.concurrent-runs, provpt.tensorflow-threads). */
  public RunPacking packing() {
    return packing;
  }

  /** Runs the whole protocol under {@code directory}; writes and returns report.json's content. */
  public Map<String, Object> run(Path directory, Consumer<String> progress) throws IOException {
    Files.createDirectories(directory);
    // the runs of each phase go concurrent-runs at a time; results are read in grid order, so the
    // choice (the first best) is the one a sequential sweep makes
    List<Map<String, Object>> grid = runAll(directory, gridRuns(), progress);
    Map<String, Object> best = best(grid);
    double lr = ((Number) best.get("base_lr")).doubleValue();
    double wd = ((Number) best.get("weight_decay")).doubleValue();
    List<Map<String, Object>> finals = runAll(directory, finalRuns(lr, wd), progress);
    return report(directory, grid, finals);
  }

  /** The grid row with the best validation accuracy (the first of equals). */
  public static Map<String, Object> best(List<Map<String, Object>> grid) {
    Map<String, Object> best = null;
    for (Map<String, Object> row : grid) {
      if (best == null || (Double) row.get("best_val_acc") > (Double) best.get("best_val_acc")) {
        best = row;
      }
    }
    return best;
  }

  /**
   * A stable id of this sweep: a hash of its resolved experiment (the runs' own settings, not the
   * daemon's), so that submitting the same sweep twice names the same jobs.
   */
  public String id() {
    return sha256(jobText(new RunSpec("base", baseOverrides))).substring(0, 12);
  }

  /** The key under which {@code spec}'s job is queued on a daemon: {@code sweep-<id>/<run name>}. */
  public String key(RunSpec spec) {
    return "sweep-" + id() + "/" + spec.name();
  }

  /** The experiment text of one run, to submit to a daemon: the resolved provpt section, without daemon settings. */
  public String jobText(RunSpec spec) {
    var provpt = ConfigLoader.load(experiment, spec.overrides()).getConfig("provpt").withoutPath("daemon")
        .withoutPath("cluster");
    return com.typesafe.config.ConfigFactory.empty().withValue("provpt", provpt.root()).root().render(
        com.typesafe.config.ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false)
            .setFormatted(true));
  }

  /** One row of the report: a run's name, its settings that vary, and its accuracies from its summary. */
  public static Map<String, Object> row(String name, ExperimentSettings settings, Map<String, Object> summary) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("run", name);
    row.put("base_lr", settings.train().baseLr());
    row.put("weight_decay", settings.train().weightDecay());
    row.put("seed", settings.seed());
    row.put("best_val_acc", ((Number) summary.get("best_val_acc")).doubleValue());
    Object test = summary.get("test_acc");
    row.put("test_acc", test == null ? null : ((Number) test).doubleValue());
    return row;
  }

  /** Writes report.json and report.md under {@code directory} from the grid's and the final runs' rows. */
  public Map<String, Object> report(Path directory, List<Map<String, Object>> grid, List<Map<String, Object>> finals)
      throws IOException {
    Files.createDirectories(directory);
    Map<String, Object> best = best(grid);
    double lr = ((Number) best.get("base_lr")).doubleValue();
    double wd = ((Number) best.get("weight_decay")).doubleValue();
    List<Double> testAccuracies = new ArrayList<>();
    for (Map<String, Object> row : finals) {
      testAccuracies.add((Double) row.get("test_acc"));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("experiment", experiment == null ? null : experiment.toString());
    report.put("chosen", Map.of("base_lr", lr, "weight_decay", wd, "val_acc", best.get("best_val_acc")));
    report.put("test_acc_mean", Moments.mean(testAccuracies));
    report.put("test_acc_std", Moments.sampleStd(testAccuracies));
    report.put("test_acc_per_seed", testAccuracies);
    report.put("seeds", seeds);
    report.put("grid", grid);
    report.put("final", finals);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve("report.json").toFile(),
        report);
    Files.writeString(directory.resolve("report.md"), markdown(report, grid));
    return report;
  }

  private List<Map<String, Object>> runAll(Path directory, List<RunSpec> specs, Consumer<String> progress)
      throws IOException {
    List<Callable<Map<String, Object>>> tasks = new ArrayList<>();
    for (RunSpec spec : specs) {
      tasks.add(() -> runOne(directory, spec, progress));
    }
    try {
      return packing.runAll(tasks);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> runOne(Path directory, RunSpec spec, Consumer<String> progress) throws IOException {
    var config = ConfigLoader.load(experiment, spec.overrides());
    ExperimentSettings settings = ExperimentSettings.from(config);
    progress.accept("sweep run " + spec.name());
    RunOutcome outcome = RunService.run(config, RunDirectory.at(directory.resolve(spec.name())));
    if (!outcome.succeeded()) {
      throw new IllegalStateException("sweep run " + spec.name() + " failed: " + outcome.error());
    }
    return row(spec.name(), settings, outcome.summary());
  }

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }


  private static String markdown(Map<String, Object> report, List<Map<String, Object>> grid) {
    StringBuilder md = new StringBuilder("# Sweep report\n\nWritten by `provpt sweep`.\n\n| base-lr | weight decay | best val acc |\n|---|---|---|\n");
    for (Map<String, Object> g : grid) {
      md.append(String.format("| %s | %s | %.4f |%n", g.get("base_lr"), g.get("weight_decay"), (Double) g.get("best_val_acc")));
    }
    md.append(String.format("%nChosen: %s. Test accuracy over seeds %s: **%.4f ± %.4f** (mean ± sample std).%n",
        report.get("chosen"), report.get("seeds"), (Double) report.get("test_acc_mean"), (Double) report.get("test_acc_std")));
    return md.toString();
  }
}
