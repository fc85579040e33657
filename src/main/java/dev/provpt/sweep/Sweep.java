package dev.provpt.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.config.Settings;
import dev.provpt.config.SettingsException;
import dev.provpt.report.RunDirectory;
import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunService;
import dev.provpt.stats.Moments;
import dev.provpt.sweep.scheduler.AshaSettings;
import dev.provpt.sweep.scheduler.GridCurves;
import dev.provpt.sweep.scheduler.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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

  /** A final-stage variant: its name and its overrides (key=value, relative to provpt), in file order. */
  public record Variant(String name, List<String> overrides) {}

  /** Keys a variant may not set: the sweep sets them for every run. */
  private static final List<String> SWEEP_KEYS = List.of("seed", "train.base-lr", "train.weight-decay",
      "data.train-on-train-val", "sweep");

  private final Path experiment;
  private final List<String> baseOverrides;
  private final List<Double> learningRates;
  private final List<Double> weightDecays;
  private final List<Long> seeds;
  private final RunPacking packing;
  private final List<Variant> variants;
  private final String baseMethod;
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
    variants = variantsOf(config);
    baseMethod = ExperimentSettings.from(config).method().key;
    scheduler = s.oneOf(Scheduler.KEY, Scheduler.class, c -> c.key);
    asha = AshaSettings.from(config);
    epochs = ExperimentSettings.from(config).train().epochs();
    if (scheduler == Scheduler.ASHA) {
      asha.rungEpochs(epochs); // rungs that do not fit the epochs fail now, not after a rung
    }
    // every variant must make a valid experiment: a typo in a variant fails now, not after the grid
    for (Variant v : variants) {
      try {
        ExperimentSettings.from(ConfigLoader.load(experiment, with(v.overrides())));
      } catch (SettingsException e) {
        throw new SettingsException("sweep variant " + v.name() + ": " + e.getMessage());
      }
    }
  }

  /** provpt.sweep.variants in the order they are written (by line), each flattened to key=value overrides. */
  static List<Variant> variantsOf(Config config) {
    if (!config.hasPath(ConfigLoader.VARIANTS)) {
      return List.of();
    }
    ConfigObject object;
    try {
      object = config.getObject(ConfigLoader.VARIANTS);
    } catch (ConfigException e) {
      throw new SettingsException(ConfigLoader.VARIANTS + " must be an object, name -> overrides: " + e.getMessage());
    }
    List<String> names = new ArrayList<>(object.keySet());
    names.sort(Comparator.<String>comparingInt(n -> Math.max(0, object.get(n).origin().lineNumber()))
        .thenComparing(n -> String.valueOf(object.get(n).origin().filename())).thenComparing(n -> n));
    List<Variant> variants = new ArrayList<>();
    for (String name : names) {
      String where = ConfigLoader.VARIANTS + "." + name;
      if (!name.matches("[a-z0-9][a-z0-9._-]*") || name.startsWith("grid-") || name.startsWith("final-")) {
        throw new SettingsException(where + ": a variant's name must be lower-case letters, digits, '.', '_', '-' "
            + "and not start with grid- or final- (it names run directories <variant>-seed<N>)");
      }
      if (!(object.get(name) instanceof ConfigObject overrides)) {
        throw new SettingsException(where + " must be an object of overrides, e.g. { method = pro-vpt }");
      }
      List<String> list = new ArrayList<>();
      for (var entry : overrides.toConfig().entrySet()) {
        String key = entry.getKey();
        for (String reserved : SWEEP_KEYS) {
          if (key.equals(reserved) || key.startsWith(reserved + ".")) {
            throw new SettingsException(where + "." + key + ": a variant cannot set " + reserved
                + " (the sweep sets it for every run)");
          }
        }
        list.add(key + "=" + entry.getValue().render(ConfigRenderOptions.concise()));
      }
      variants.add(new Variant(name, List.copyOf(list)));
    }
    return List.copyOf(variants);
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

  public List<Long> seeds() {
    return seeds;
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
   * variant and seed ({@code <variant>-seed<N>}, variant by variant).
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
      for (long seed : seeds) {
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
   * Runs the whole protocol under {@code directory}; writes report.json, report.md, commands.txt and the ready
   * experiment files (into {@code configs}, by default {@code directory/configs}); returns report.json's content.
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
    Map<String, Object> report = report(directory, grid, finals, best, evidence);
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
   * fast a run goes but not what it computes ({@link #NOT_IDENTITY}) are left out of it, so that a
   * provpt that adds one still finds the jobs an older one queued.
   */
  public String id() {
    return sha256(text(new RunSpec("base", baseOverrides), true)).substring(0, 12);
  }

  /**
   * Settings under provpt that are no part of a sweep's id: how a run is computed, not what (the linear probe's
   * feature cache gives the same steps up to float rounding; ASHA trains prefixes of the same grid runs). Jobs still
   * carry them.
   */
  static final List<String> NOT_IDENTITY = List.of("train.cache-features", "pro-vpt.measure-every-estimator",
      "sweep.scheduler", "sweep.asha");

  /**
   * Settings added after sweeps were collected and committed: part of a sweep's id only where they differ from
   * their default, so the committed sweeps keep their ids (a suite task does not read the folder kind's keys, and no
   * tuning run reads provpt.pretrain's).
   */
  static final List<String> IDENTITY_WHEN_SET = List.of("data.folder.test-fraction", "data.folder.test-seed",
      "data.folder.val-fraction", "pretrain.schedule", "pretrain.warmup-epochs", "pretrain.state-dir",
      "pretrain.data.glyph-set", "pretrain.data.augment", "pretrain.data.fresh-each-epoch");

  /** The key under which {@code spec}'s job is queued on a daemon: {@code sweep-<id>/<run name>}. */
  public String key(RunSpec spec) {
    return "sweep-" + id() + "/" + spec.name();
  }

  /** The experiment text of one run, to submit to a daemon: the resolved provpt section, without daemon settings. */
  public String jobText(RunSpec spec) {
    return text(spec, false);
  }

  /** {@link #jobText}; for the sweep's identity without {@link #NOT_IDENTITY}. */
  private String text(RunSpec spec, boolean identity) {
    // without the variants: they are the sweep's, not the run's, so adding one keeps the grid's id and jobs
    var provpt = ConfigLoader.load(experiment, spec.overrides()).getConfig("provpt").withoutPath("daemon")
        .withoutPath("cluster").withoutPath("sweep.variants");
    for (String key : identity ? NOT_IDENTITY : List.<String>of()) {
      provpt = provpt.withoutPath(key);
    }
    var defaults = ConfigFactory.defaultReference().getConfig("provpt");
    for (String key : identity ? IDENTITY_WHEN_SET : List.<String>of()) {
      if (provpt.hasPath(key) && provpt.getValue(key).unwrapped().equals(defaults.getValue(key).unwrapped())) {
        provpt = provpt.withoutPath(key);
      }
    }
    return ConfigFactory.empty().withValue("provpt", provpt.root()).root().render(
        com.typesafe.config.ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false)
            .setFormatted(true));
  }

  /** One row of the report: a run's name, its settings that vary, and its accuracies from its summary. */
  public static Map<String, Object> row(String name, ExperimentSettings settings, Map<String, Object> summary) {
    return row(new RunSpec(name, List.of()), settings, summary);
  }

  /** The same, with the run's variant (when it has one). */
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

  /** Writes report.json and report.md under {@code directory} from the grid's and the final runs' rows. */
  public Map<String, Object> report(Path directory, List<Map<String, Object>> grid, List<Map<String, Object>> finals)
      throws IOException {
    return report(directory, grid, finals, best(grid), Map.of());
  }

  /**
   * As above, with the grid's choice {@code best} and {@code evidence} written after the grid rows: the grid runs'
   * curves ({@link GridCurves#KEY}) and, when ASHA searched the grid, its section ({@code asha}).
   */
  public Map<String, Object> report(Path directory, List<Map<String, Object>> grid, List<Map<String, Object>> finals,
      Map<String, Object> best, Map<String, Object> evidence) throws IOException {
    Files.createDirectories(directory);
    double lr = ((Number) best.get("base_lr")).doubleValue();
    double wd = ((Number) best.get("weight_decay")).doubleValue();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("experiment", experiment == null ? null : experiment.toString());
    report.put("sweep_id", id());
    Map<String, Object> chosen = new LinkedHashMap<>(); // in this order in every report, not Map.of's
    chosen.put("base_lr", lr);
    chosen.put("weight_decay", wd);
    chosen.put("val_acc", best.get("best_val_acc"));
    report.put("chosen", chosen);
    if (variants.isEmpty()) {
      List<Double> testAccuracies = testAccuracies(finals);
      report.put("test_acc_mean", Moments.mean(testAccuracies));
      report.put("test_acc_std", Moments.sampleStd(testAccuracies));
      report.put("test_acc_per_seed", testAccuracies);
    } else {
      report.put("grid_searched_with", "the base experiment (method " + baseMethod + "), once; its choice is shared "
          + "by every variant");
      List<Map<String, Object>> rows = new ArrayList<>();
      List<String> pending = new ArrayList<>();
      for (Variant v : variants) {
        List<Double> test = testAccuracies(finals.stream().filter(r -> v.name().equals(r.get("variant"))).toList());
        if (test.isEmpty()) {
          pending.add(v.name()); // collected with --partial before its runs were done
          continue;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("variant", v.name());
        row.put("overrides", v.overrides());
        row.put("test_acc_mean", Moments.mean(test));
        row.put("test_acc_std", Moments.sampleStd(test));
        row.put("test_acc_per_seed", test);
        rows.add(row);
      }
      report.put("variants", rows);
      if (!pending.isEmpty()) {
        report.put("pending_variants", pending);
      }
    }
    report.put("seeds", seeds);
    report.put("grid", grid);
    report.putAll(evidence);
    report.put("final", finals);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve("report.json").toFile(),
        report);
    Files.writeString(directory.resolve("report.md"), markdown(report, grid));
    return report;
  }

  private static List<Double> testAccuracies(List<Map<String, Object>> finals) {
    List<Double> testAccuracies = new ArrayList<>();
    for (Map<String, Object> row : finals) {
      testAccuracies.add((Double) row.get("test_acc"));
    }
    return testAccuracies;
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

  private static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }


  @SuppressWarnings("unchecked")
  private static String markdown(Map<String, Object> report, List<Map<String, Object>> grid) {
    StringBuilder md = new StringBuilder("# Sweep report\n\nWritten by `provpt sweep`.\n\n| base-lr | weight decay | best val acc |\n|---|---|---|\n");
    for (Map<String, Object> g : grid) {
      md.append(String.format("| %s | %s | %.4f |%n", g.get("base_lr"), g.get("weight_decay"), (Double) g.get("best_val_acc")));
    }
    if (report.get("asha") instanceof Map<?, ?> section) {
      md.append(AshaGrid.markdown((Map<String, Object>) section, grid));
    }
    if (!report.containsKey("variants")) {
      md.append(String.format("%nChosen: %s. Test accuracy over seeds %s: **%.4f ± %.4f** (mean ± sample std).%n",
          report.get("chosen"), report.get("seeds"), (Double) report.get("test_acc_mean"), (Double) report.get("test_acc_std")));
      return md.toString();
    }
    md.append(String.format("%nChosen: %s. The grid was searched once with %s; every variant below was trained with "
        + "that choice on train+val (it was not searched per variant).%n%nTest accuracy over seeds %s (mean ± sample std):%n%n"
        + "| variant | overrides | test acc | per seed |%n|---|---|---|---|%n", report.get("chosen"),
        report.get("grid_searched_with"), report.get("seeds")));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) report.get("variants");
    for (Map<String, Object> r : rows) {
      @SuppressWarnings("unchecked")
      List<Double> perSeed = (List<Double>) r.get("test_acc_per_seed");
      @SuppressWarnings("unchecked")
      List<String> overrides = (List<String>) r.get("overrides");
      md.append(String.format(java.util.Locale.ROOT, "| %s | `%s` | **%.4f ± %.4f** | %s |%n", r.get("variant"),
          String.join(" ", overrides), (Double) r.get("test_acc_mean"), (Double) r.get("test_acc_std"),
          String.join(", ", perSeed.stream().map(v -> String.format(java.util.Locale.ROOT, "%.4f", v)).toList())));
    }
    if (report.containsKey("pending_variants")) {
      md.append(String.format("%nNot done when this report was collected (--partial): %s.%n",
          report.get("pending_variants")));
    }
    return md.toString();
  }
}
