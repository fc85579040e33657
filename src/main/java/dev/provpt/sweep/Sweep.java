package dev.provpt.sweep;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.config.Settings;
import dev.provpt.config.SettingsException;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunService;
import dev.provpt.sweep.scheduler.AshaSettings;
import dev.provpt.sweep.scheduler.GridCurves;
import dev.provpt.sweep.scheduler.Scheduler;
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
 * [PRO-VPT]'s protocol as runs: a base-lr × weight-decay grid tuned on train/val with the first
 * seed, then the setting with the best validation accuracy trained on train+val with every seed
 * and reported on test as mean ± std. With {@code provpt.sweep.variants}, the grid is searched once with
 * the experiment itself and its choice is shared: every variant (its own overrides) is trained with it,
 * with every seed, in {@code <variant>-seed<N>}.
 */
public final class Sweep {
  /**
   * One run of a sweep: its directory name, the overrides that make it, and the variant it belongs to (null for
   * the grid and for the final runs of a sweep without variants).
   */
  public record RunSpec(String name, List<String> overrides, String variant) {
    public RunSpec(String name, List<String> overrides) {
      this(name, overrides, null);
    }
  }

  /**
   * A final-stage variant: its name, its overrides (key=value, relative to provpt, in file order) and the seeds of
   * its final runs (its own {@code seeds}, else provpt.sweep.seeds).
   */
  public record Variant(String name, List<String> overrides, List<Long> seeds) {}

  private final Path experiment;
  private final List<String> baseOverrides;
  private final List<Double> learningRates;
  private final List<Double> weightDecays;
  private final List<Long> seeds;
  private final RunPacking packing;
  private final List<Variant> variants;
  private final String baseMethod;
  private final String baseVariant;
  private final Scheduler scheduler;
  private final AshaSettings asha;
  private final int epochs;

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
    variants = SweepVariants.of(config, seeds);
    baseMethod = ExperimentSettings.from(config).method().key;
    scheduler = s.oneOf(Scheduler.KEY, Scheduler.class, c -> c.key);
    asha = AshaSettings.from(config);
    epochs = ExperimentSettings.from(config).train().epochs();
    if (scheduler == Scheduler.ASHA) {
      asha.rungEpochs(epochs); // rungs that do not fit the epochs fail now, not after a rung
    }
    // every variant must make a valid experiment: a typo in a variant fails now, not after the grid
    String base = null;
    for (Variant v : variants) {
      ExperimentSettings settings;
      try {
        settings = ExperimentSettings.from(ConfigLoader.load(experiment, with(v.overrides())));
      } catch (SettingsException e) {
        throw new SettingsException("sweep variant " + v.name() + ": " + e.getMessage());
      }
      boolean onlyTheMethod = v.overrides().stream().allMatch(o -> o.startsWith("method="));
      if (base == null && onlyTheMethod && settings.method().key.equals(baseMethod)) {
        base = v.name();
      }
    }
    baseVariant = base;
  }

  /** The final-stage variants (empty: the experiment itself). */
  public List<Variant> variants() {
    return variants;
  }

  public List<Double> learningRates() {
    return learningRates;
  }

  public List<Double> weightDecays() {
    return weightDecays;
  }

  /** The experiment's own method: the grid's, and the final runs' without variants. */
  public String baseMethod() {
    return baseMethod;
  }

  /**
   * The variant that is the base experiment itself (no override but, at most, the base method), whose final runs
   * are the grid's pick trained again; null when every variant changes something else (or there are none).
   */
  public String baseVariant() {
    return baseVariant;
  }

  /** provpt.sweep.seeds: the grid's (the first) and the final runs' of a sweep without variants. */
  public List<Long> seeds() {
    return seeds;
  }

  /** The seeds of {@code variant}'s final runs (its own, else provpt.sweep.seeds); {@link #seeds} for null. */
  public List<Long> seedsOf(String variant) {
    if (variant == null) {
      return seeds;
    }
    return variants.stream().filter(v -> v.name().equals(variant)).findFirst().map(Variant::seeds)
        .orElseThrow(() -> new IllegalArgumentException("no sweep variant " + variant + " (variants: "
            + variants.stream().map(Variant::name).toList() + ")"));
  }

  public Path experiment() {
    return experiment;
  }

  public List<String> baseOverrides() {
    return baseOverrides;
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

  /**
   * The final runs: the chosen setting on train+val, one per seed ({@code final-seed<N>}), or with variants one per
   * variant and each of its seeds ({@code <variant>-seed<N>}, variant by variant).
   */
  public List<RunSpec> finalRuns(double lr, double wd) {
    List<RunSpec> runs = new ArrayList<>();
    if (variants.isEmpty()) {
      for (long seed : seeds) {
        runs.add(new RunSpec("final-seed" + seed, with(List.of(), finalKeys(lr, wd, seed))));
      }
      return runs;
    }
    for (Variant v : variants) {
      for (long seed : v.seeds()) {
        runs.add(new RunSpec(v.name() + "-seed" + seed, with(v.overrides(), finalKeys(lr, wd, seed)), v.name()));
      }
    }
    return runs;
  }

  static List<String> finalKeys(double lr, double wd, long seed) {
    return List.of("train.base-lr=" + lr, "train.weight-decay=" + wd, "seed=" + seed, "data.train-on-train-val=true");
  }

  private List<String> with(String... extra) {
    return with(List.of(), List.of(extra));
  }

  /** packing, then the sweep's own --set overrides, then a variant's, then the run's (later ones win). */
  private List<String> with(List<String> variant, List<String> extra) {
    List<String> all = new ArrayList<>(packing.overrides());
    all.addAll(baseOverrides);
    all.addAll(variant);
    all.addAll(extra);
    return all;
  }

  private List<String> with(List<String> variant) {
    return with(variant, List.of());
  }

  /** How the runs share the machine (provpt.sweep.concurrent-runs, provpt.tensorflow-threads). */
  public RunPacking packing() {
    return packing;
  }

  /** Runs the whole protocol under {@code directory}; writes and returns report.json's content. */
  public Map<String, Object> run(Path directory, Consumer<String> progress) throws IOException {
    return run(directory, null, progress);
  }

  /**
   * Runs the whole protocol under {@code directory}; writes report.json and report.md ({@link SweepReport}),
   * commands.txt and the ready experiment files (into {@code configs}, by default {@code directory/configs}); returns report.json's content.
   */
  public Map<String, Object> run(Path directory, Path configs, Consumer<String> progress) throws IOException {
    Files.createDirectories(directory);
    // the runs of each phase go concurrent-runs at a time; results are read in grid order, so the
    // choice (the first best) is the one a sequential sweep makes
    List<Map<String, Object>> grid;
    Map<String, Object> best;
    Map<String, Object> evidence = new LinkedHashMap<>();
    if (scheduler == Scheduler.GRID) {
      grid = runAll(directory, gridRuns(), progress);
      best = best(grid);
    } else {
      AshaGrid.Result searched = new AshaGrid(this, asha, epochs).run(directory, progress);
      grid = searched.rows();
      best = searched.chosen();
      evidence.put("asha", searched.section());
    }
    List<Map<String, Object>> curves = new ArrayList<>();
    for (RunSpec spec : gridRuns()) {
      curves.add(GridCurves.read(spec.name(), directory.resolve(spec.name())).toJson());
    }
    evidence.put(GridCurves.KEY, curves);
    double lr = ((Number) best.get("base_lr")).doubleValue();
    double wd = ((Number) best.get("weight_decay")).doubleValue();
    List<Map<String, Object>> finals = runAll(directory, finalRuns(lr, wd), progress);
    Map<String, Object> report = SweepReport.write(this, directory, grid, finals, best, evidence);
    new ReadyConfigs(this).write(configs != null ? configs : directory.resolve("configs"), best);
    Files.writeString(directory.resolve("commands.txt"), "# the runs in this directory (grid-*: the search, "
        + "on train/val; the others: the final runs, on train+val)\n" + command("sweep") + "\n");
    return report;
  }

  /** How the grid is trained (provpt.sweep.scheduler). */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** {@code ./provpt <subcommand> -c FILE [--set …]}: the command line that makes this sweep. */
  public String command(String subcommand) {
    StringBuilder line = new StringBuilder("./provpt " + subcommand);
    if (experiment != null) {
      line.append(" -c ").append(experiment);
    }
    for (String o : baseOverrides) {
      line.append(" --set '").append(o).append("'");
    }
    return line.toString();
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
   * daemon's), so that submitting the same sweep twice names the same jobs. Settings that change how
   * fast a run goes but not what it computes ({@link SweepJobText#NOT_IDENTITY}) are left out of it, so that a
   * provpt that adds one still finds the jobs an older one queued.
   */
  public String id() {
    return SweepJobText.sha256(SweepJobText.text(experiment, new RunSpec("base", baseOverrides), true)).substring(0, 12);
  }

  /** The key under which {@code spec}'s job is queued on a daemon: {@code sweep-<id>/<run name>}. */
  public String key(RunSpec spec) {
    return "sweep-" + id() + "/" + spec.name();
  }

  /** The experiment text of one run, to submit to a daemon: the resolved provpt section, without daemon settings. */
  public String jobText(RunSpec spec) {
    return SweepJobText.text(experiment, spec, false);
  }

  /**
   * One row of the report: a run's name (and its variant and method, when it has a variant), its settings that vary,
   * and its accuracies from its summary.
   */
  public static Map<String, Object> row(RunSpec spec, ExperimentSettings settings, Map<String, Object> summary) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("run", spec.name());
    if (spec.variant() != null) {
      row.put("variant", spec.variant());
      row.put("method", settings.method().key);
    }
    row.put("base_lr", settings.train().baseLr());
    row.put("weight_decay", settings.train().weightDecay());
    row.put("seed", settings.seed());
    row.put("best_val_acc", ((Number) summary.get("best_val_acc")).doubleValue());
    Object test = summary.get("test_acc");
    row.put("test_acc", test == null ? null : ((Number) test).doubleValue());
    return row;
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
    return row(spec, settings, outcome.summary());
  }
}
