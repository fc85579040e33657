package dev.provpt.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.method.Method;
import dev.provpt.stats.MeanInterval;
import dev.provpt.stats.Moments;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The results page ({@code docs/RESULTS.md}) computed from run directories, with its figures: a reading
 * ({@link ResultsReading}) and the authors' notes ({@link ResultsNotes}, no typed numbers), a Tab. 1-style
 * table (methods × tasks grouped as VTAB's natural / specialized / structured, mean ± sample std over seeds,
 * group means and the global mean of group means, trainable parameters), a Tab. 3-style table of PRO-VPT's
 * variants, PRO-VPT − VPT-Deep paired by seed, the learned prompt distributions, the epoch-cost ratio and
 * images/s, the commands and the machine. Every number on the page is computed here from the runs' files.
 */
public final class ResultsReport {
  /** The methods of [PRO-VPT] Tab. 1 (every {@link Method}), in its row order. */
  public static final List<String> METHODS = Method.keys();
  /** VTAB's groups, in column order; "other" holds tasks outside the mini-VTAB-1k suite. */
  public static final List<String> GROUPS = List.of("natural", "specialized", "structured", "other");
  public static final String PAIRED_CHART = "pro-vpt-vs-vpt-deep.png";
  public static final String DIFFERENCE_CHART = "paired-differences.png";
  public static final String DISTRIBUTION_CHART = "prompt-distributions.png";
  /** The machine-readable numbers, written beside the figures ({@link ReferenceResults} reads them). */
  public static final String RESULTS_JSON = "results.json";

  /** Values over seeds (in seed order) with their mean and sample standard deviation (0 for one value). */
  public record Stat(List<Long> seeds, List<Double> values, double mean, double std) {
    static Stat of(List<Long> seeds, List<Double> values) {
      return new Stat(List.copyOf(seeds), List.copyOf(values), Moments.mean(values), Moments.sampleStd(values));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Path> inputs;
  private final List<RunResult> runs = new ArrayList<>();
  private final List<String> duplicates = new ArrayList<>();
  /** configuration → task → seed → run. */
  private final Map<String, Map<String, TreeMap<Long, RunResult>>> byConfiguration = new LinkedHashMap<>();
  /** configuration → the configuration it is compared with, for those with settings off their defaults. */
  private final Map<String, String> baseOf = new TreeMap<>();

  private ResultsReport(List<Path> inputs, List<RunResult> all) {
    this.inputs = List.copyOf(inputs);
    Map<String, Integer> usualEpochs = new java.util.HashMap<>(); // may hold null: no run of it has a count
    all.stream().collect(java.util.stream.Collectors.groupingBy(RunResult::baseConfiguration))
        .forEach((base, runs) -> usualEpochs.put(base, usualEpochs(runs)));
    for (RunResult read : all) {
      // epochs have no default worth naming (reference.conf's is not the suite's): the usual count of a
      // configuration's runs is its default here, and a run with another count is a configuration of its own
      Integer usual = usualEpochs.get(read.baseConfiguration());
      RunResult run = read.epochs() == null || read.epochs().equals(usual) ? read
          : read.withSetting("epochs=" + read.epochs());
      var bySeed = byConfiguration.computeIfAbsent(run.configuration(), c -> new LinkedHashMap<>())
          .computeIfAbsent(run.task(), t -> new TreeMap<>());
      if (bySeed.containsKey(run.seed())) {
        duplicates.add(run.directory() + " (same task, configuration and seed as " + bySeed.get(run.seed()).directory()
            + ")");
        continue;
      }
      bySeed.put(run.seed(), run);
      runs.add(run);
      if (!run.settings().isEmpty()) {
        baseOf.put(run.configuration(), run.baseConfiguration());
      }
    }
  }

  /** The most common epoch count among {@code runs} (the smaller on a tie); null when none records it. */
  static Integer usualEpochs(List<RunResult> runs) {
    Map<Integer, Long> counts = new TreeMap<>();
    runs.stream().map(RunResult::epochs).filter(Objects::nonNull).forEach(e -> counts.merge(e, 1L, Long::sum));
    return counts.entrySet().stream().max(Comparator.comparing((Map.Entry<Integer, Long> e) -> e.getValue())
        .thenComparing(e -> -e.getKey())).map(Map.Entry::getKey).orElse(null);
  }

  /** Reads every finished run under each of {@code inputs}. */
  public static ResultsReport read(List<Path> inputs) throws IOException {
    List<RunResult> all = new ArrayList<>();
    for (Path input : inputs) {
      if (!Files.isDirectory(input)) {
        throw new IllegalArgumentException(input + ": not a directory of runs");
      }
      all.addAll(RunResult.under(input));
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no finished run (a summary.json with test_acc) under " + inputs);
    }
    return new ResultsReport(inputs, all);
  }

  public List<RunResult> runs() {
    return List.copyOf(runs);
  }

  /** The tasks, grouped (natural, specialized, structured, other) and by name within a group. */
  public List<String> tasks() {
    return runs.stream().map(RunResult::task).distinct()
        .sorted(Comparator.comparing((String t) -> GROUPS.indexOf(RunResult.groupOf(t))).thenComparing(t -> t))
        .toList();
  }

  /** The tasks, in page order, where {@code configuration} has at least one run. */
  public List<String> tasksOf(String configuration) {
    return tasks().stream().filter(t -> accuracy(configuration, t) != null).toList();
  }

  /** The groups that hold at least one task, in order. */
  public List<String> groups() {
    return GROUPS.stream().filter(g -> tasks().stream().anyMatch(t -> RunResult.groupOf(t).equals(g))).toList();
  }

  /** Test accuracy of {@code configuration} on {@code task} over its seeds; null when not run. */
  public Stat accuracy(String configuration, String task) {
    var bySeed = byConfiguration.getOrDefault(configuration, Map.of()).get(task);
    if (bySeed == null || bySeed.isEmpty()) {
      return null;
    }
    return Stat.of(new ArrayList<>(bySeed.keySet()), bySeed.values().stream().map(RunResult::testAccuracy).toList());
  }

  /** The mean over the group's tasks of the per-task mean accuracy; null when the method ran on none of them. */
  public Double groupMean(String configuration, String group) {
    List<Double> means = tasks().stream().filter(t -> RunResult.groupOf(t).equals(group))
        .map(t -> accuracy(configuration, t)).filter(Objects::nonNull).map(Stat::mean).toList();
    return means.isEmpty() ? null : means.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** VTAB's global mean: the mean of the group means (groups where the method ran). */
  public Double globalMean(String configuration) {
    List<Double> means = groups().stream().map(g -> groupMean(configuration, g)).filter(Objects::nonNull).toList();
    return means.isEmpty() ? null : means.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** PRO-VPT − VPT-Deep test accuracy on {@code task}, paired by seed (seeds both ran); null when none. */
  public Stat pairedDifference(String task) {
    return pairedDifference(Method.PRO_VPT.key, Method.VPT_DEEP.key, task);
  }

  /** Configuration a − configuration b test accuracy on {@code task}, paired by seed (seeds both ran); null when none. */
  public Stat pairedDifference(String a, String b, String task) {
    var runsA = byConfiguration.getOrDefault(a, Map.of()).get(task);
    var runsB = byConfiguration.getOrDefault(b, Map.of()).get(task);
    if (runsA == null || runsB == null) {
      return null;
    }
    List<Long> seeds = runsA.keySet().stream().filter(runsB::containsKey).toList();
    if (seeds.isEmpty()) {
      return null;
    }
    return Stat.of(seeds, seeds.stream().map(s -> runsA.get(s).testAccuracy() - runsB.get(s).testAccuracy()).toList());
  }

  /** Prompts per block at the end of PRO-VPT's runs on {@code task}, averaged over seeds; null when none. */
  public double[] meanDistribution(String task) {
    var pro = byConfiguration.getOrDefault(Method.PRO_VPT.key, Map.of()).get(task);
    if (pro == null || pro.isEmpty() || pro.firstEntry().getValue().distribution().length == 0) {
      return null;
    }
    double[] mean = new double[pro.firstEntry().getValue().distribution().length];
    for (RunResult run : pro.values()) {
      for (int b = 0; b < mean.length && b < run.distribution().length; b++) {
        mean[b] += run.distribution()[b] / (double) pro.size();
      }
    }
    return mean;
  }

  /** The median epoch time (seconds, over every epoch of every seed) of a configuration on a task. */
  public Double medianEpochSeconds(String configuration, String task) {
    return median(seedRuns(configuration, task).stream().flatMap(r -> r.epochSeconds().stream()).toList());
  }

  /** Training images per second of the tune phase: train size / median tune-phase seconds. */
  public Double imagesPerSecond(String configuration, String task) {
    List<RunResult> seedRuns = seedRuns(configuration, task);
    Double tune = median(seedRuns.stream().flatMap(r -> r.tuneSeconds().stream()).toList());
    return tune == null || tune <= 0 ? null : seedRuns.get(0).trainSize() / tune;
  }

  /** Median epoch seconds of PRO-VPT / VPT-Deep on a task. */
  public Double epochCostRatio(String task) {
    Double pro = medianEpochSeconds(Method.PRO_VPT.key, task);
    Double deep = medianEpochSeconds(Method.VPT_DEEP.key, task);
    return pro == null || deep == null || deep <= 0 ? null : pro / deep;
  }

  /** The trainable-parameter count of a configuration on a task (the first seed's; they do not vary). */
  public Long trainableParameters(String configuration, String task) {
    List<RunResult> seedRuns = seedRuns(configuration, task);
    return seedRuns.isEmpty() ? null : seedRuns.get(0).trainableParameters();
  }

  /**
   * PRO-VPT's configurations at the default {@link RunResult#SETTINGS} (the default one first), for the ablation
   * table; those with other settings are compared with their base configuration instead ({@link #settingsVariants}).
   */
  public List<String> proVptConfigurations() {
    List<String> configurations = new ArrayList<>();
    if (byConfiguration.containsKey(Method.PRO_VPT.key)) {
      configurations.add(Method.PRO_VPT.key);
    }
    byConfiguration.keySet().stream().filter(c -> c.startsWith(Method.PRO_VPT.key + " (") && !baseOf.containsKey(c))
        .sorted()
        .forEach(configurations::add);
    return configurations;
  }

  /**
   * Configurations with a setting of {@link RunResult#SETTINGS} off its default (bf16, other prompts per block),
   * each mapped to the configuration that differs from it only there, by name.
   */
  public Map<String, String> settingsVariants() {
    return java.util.Collections.unmodifiableMap(baseOf); // by name, so the page's order is stable
  }

  /** The schedule settings in a PRO-VPT configuration's name (its "key=value"s other than the [PRO-VPT] Tab. 3 choices). */
  static String scheduleOf(String configuration) {
    int open = configuration.indexOf(" (");
    if (open < 0) {
      return "—";
    }
    List<String> knobs = java.util.Arrays.stream(configuration.substring(open + 2, configuration.length() - 1)
        .split(", ")).filter(kv -> RunResult.PRO_VPT_DEFAULTS.stream()
        .noneMatch(d -> kv.startsWith(d.getKey() + "="))).toList();
    return knobs.isEmpty() ? "—" : String.join(", ", knobs);
  }

  private List<RunResult> seedRuns(String configuration, String task) {
    var bySeed = byConfiguration.getOrDefault(configuration, Map.of()).get(task);
    return bySeed == null ? List.of() : List.copyOf(bySeed.values());
  }

  private static Double median(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Writes the page to {@code markdown} and its figures into {@code figures}; returns the files written. */
  public List<Path> write(Path markdown, Path figures, String command) throws IOException {
    return write(markdown, figures, command, null);
  }

  /**
   * As {@link #write(Path, Path, String)}, with {@code notes} (Markdown, checked by {@link ResultsNotes}) as the
   * page's "Notes" section after the Reading; null for none.
   */
  public List<Path> write(Path markdown, Path figures, String command, String notes) throws IOException {
    Files.createDirectories(figures);
    Path parent = markdown.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    List<Path> written = new ArrayList<>(ResultsCharts.write(this, figures));
    Path json = figures.resolve(RESULTS_JSON);
    Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(markdown.toString(), command))
        + "\n");
    written.add(json);
    String link = parent.relativize(figures.toAbsolutePath()).toString().replace('\\', '/');
    Files.writeString(markdown, markdown(link.isEmpty() ? "." : link, command, written, notes));
    written.add(0, markdown);
    return written;
  }

  /**
   * results.json: per task (in page order, with its group) and per configuration (Tab. 1's methods, then PRO-VPT's
   * variants): the backbone, training split, base-lr, weight decay and epochs its runs share (null when they
   * differ or none records it: {@code runs} has each seed's own), the seeds, their test accuracies, mean and
   * sample std (0 for one seed), the trainable parameters, and each run's directory and settings.
   *
   * @param page the results page as written ({@code --out}), which the numbers belong to
   */
  public Map<String, Object> json(String page, String command) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("command", command);
    root.put("page", page.replace('\\', '/'));
    Map<String, Object> tasks = new LinkedHashMap<>();
    List<String> configurations = new ArrayList<>(METHODS.stream().filter(byConfiguration::containsKey).toList());
    proVptConfigurations().stream().filter(c -> !configurations.contains(c)).forEach(configurations::add);
    baseOf.keySet().stream().filter(c -> !configurations.contains(c)).forEach(configurations::add);
    for (String task : tasks()) {
      Map<String, Object> methods = new LinkedHashMap<>();
      for (String configuration : configurations) {
        Stat stat = accuracy(configuration, task);
        if (stat == null) {
          continue;
        }
        List<RunResult> seedRuns = seedRuns(configuration, task);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("method", seedRuns.get(0).method());
        entry.put("configuration", configuration);
        if (baseOf.containsKey(configuration)) {
          entry.put("settings", seedRuns.get(0).settings());
          entry.put("compared_with", baseOf.get(configuration));
        }
        entry.put("backbone", common(seedRuns, RunResult::backbone));
        entry.put("split", common(seedRuns, RunResult::split));
        entry.put("n", stat.seeds().size());
        entry.put("seeds", stat.seeds());
        entry.put("test_acc", stat.values());
        entry.put("mean", stat.mean());
        entry.put("std", stat.std());
        entry.put("trainable_parameters", trainableParameters(configuration, task));
        entry.put("base_lr", common(seedRuns, RunResult::baseLr));
        entry.put("weight_decay", common(seedRuns, RunResult::weightDecay));
        entry.put("epochs", common(seedRuns, RunResult::epochs));
        List<Map<String, Object>> runList = new ArrayList<>();
        for (RunResult r : seedRuns) {
          Map<String, Object> run = new LinkedHashMap<>();
          run.put("seed", r.seed());
          run.put("test_acc", r.testAccuracy());
          run.put("directory", r.directory().toString().replace('\\', '/'));
          run.put("backbone", r.backbone());
          run.put("split", r.split());
          run.put("base_lr", r.baseLr());
          run.put("weight_decay", r.weightDecay());
          run.put("epochs", r.epochs());
          runList.add(run);
        }
        entry.put("runs", runList);
        methods.put(configuration, entry);
      }
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("group", RunResult.groupOf(task));
      t.put("methods", methods);
      tasks.put(task, t);
    }
    root.put("tasks", tasks);
    return root;
  }

  private static <T> T common(List<RunResult> runs, java.util.function.Function<RunResult, T> field) {
    T first = field.apply(runs.get(0));
    return runs.stream().allMatch(r -> Objects.equals(field.apply(r), first)) ? first : null;
  }

  /** The page; {@code figures} is the figures' folder relative to the page; {@code notes} null for none. */
  public String markdown(String figures, String command, List<Path> charts, String notes) {
    List<String> tasks = tasks();
    List<String> groups = groups();
    StringBuilder md = new StringBuilder();
    md.append("# Results\n\n");
    md.append("Written by `").append(command).append("` from ").append(runs.size()).append(" runs in ")
        .append(inputs.stream().map(p -> "`" + p + "`").reduce((a, b) -> a + ", " + b).orElse("")).append(". ")
        .append("Every number on this page is computed from those runs' `summary.json`, `metrics.jsonl` and ")
        .append("`config.conf` (and the backbones' `model.conf`); rerun the command to refresh it.\n\n");
    md.append("**How to read.** Accuracies are top-1 test accuracy in percent, as mean ± sample standard deviation ")
        .append("over seeds (n = the number of seeds; ± 0.00 for one seed). A task's group is its mini-VTAB-1k ")
        .append("group (docs/SUITE.md), \"other\" for tasks outside the suite; a group mean is the mean of the ")
        .append("task means in it, and the global mean is the mean of the group means, as VTAB reports. ")
        .append("\"PRO-VPT\" is `method = pro-vpt` with its defaults (prune taylor, allocate ppo, scoring online, ")
        .append("idleness input-gate); other PRO-VPT choices and schedules appear in the ablation table only, and ")
        .append("runs with another precision, number of prompts per block or number of epochs than the usual one of ")
        .append("their configuration only in \"Settings against the defaults\". ")
        .append("Differences are paired by seed (same seed, so the same split draw, initialisation and batches up ")
        .append("to the method's own choices). Blank cells (—) were not run. The same numbers, per seed and with ")
        .append("each configuration's backbone, split, base-lr, weight decay and epochs, are in `").append(figures)
        .append("/").append(RESULTS_JSON).append("`.\n\n");
    md.append(ResultsReading.markdown(this));
    if (notes != null) {
      md.append("## Notes\n\n").append(notes.replaceFirst("^(\\s*\\n)+", "").stripTrailing()).append("\n\n");
    }

    md.append("## Tab. 1: methods across tasks\n\n");
    md.append("Trainable parameters = prompts × width + width × classes + classes (prompts: the final ")
        .append("distribution's total for VPT-Deep and PRO-VPT, `prompts.shallow-count` for VPT-Shallow, none for ")
        .append("the linear probe; the head is width × classes + classes), per task in the table below.\n\n");
    md.append("| method | n |");
    for (String t : tasks) {
      md.append(" ").append(t).append(" (").append(RunResult.groupOf(t)).append(") |");
    }
    for (String g : groups) {
      md.append(" mean ").append(g).append(" |");
    }
    md.append(" global mean |\n|---|---|");
    md.append("---|".repeat(tasks.size() + groups.size() + 1)).append("\n");
    for (String method : METHODS) {
      if (!byConfiguration.containsKey(method)) {
        continue;
      }
      md.append("| ").append(method).append(" | ").append(seedCount(method)).append(" |");
      for (String t : tasks) {
        md.append(" ").append(cell(accuracy(method, t))).append(" |");
      }
      for (String g : groups) {
        md.append(" ").append(percent(groupMean(method, g))).append(" |");
      }
      md.append(" ").append(percent(globalMean(method))).append(" |\n");
    }
    md.append("\nTrainable parameters:\n\n| method |");
    tasks.forEach(t -> md.append(" ").append(t).append(" |"));
    md.append("\n|---|").append("---|".repeat(tasks.size())).append("\n");
    for (String method : METHODS) {
      if (!byConfiguration.containsKey(method)) {
        continue;
      }
      md.append("| ").append(method).append(" |");
      for (String t : tasks) {
        Long p = trainableParameters(method, t);
        md.append(" ").append(p == null ? "—" : String.format(Locale.ROOT, "%,d", p)).append(" |");
      }
      md.append("\n");
    }

    md.append("\n## Tab. 3: PRO-VPT's variants (ablation)\n\n");
    List<String> variants = proVptConfigurations();
    List<String> ablationTasks = tasks.stream()
        .filter(t -> variants.stream().filter(c -> !c.equals(Method.PRO_VPT.key)).anyMatch(c -> accuracy(c, t) != null))
        .toList();
    if (variants.size() < 2 || ablationTasks.isEmpty()) {
      md.append("No PRO-VPT variant other than the default was run.\n");
    } else {
      md.append("Tasks where a variant other than the default was run; the mean is over those tasks where the ")
          .append("variant ran; schedule names PRO-VPT's warm-up, relocation and PPO settings off their defaults.\n\n")
          .append("| prune | allocate | scoring | idleness | schedule | n |");
      ablationTasks.forEach(t -> md.append(" ").append(t).append(" |"));
      md.append(" mean |\n|---|---|---|---|---|---|").append("---|".repeat(ablationTasks.size() + 1)).append("\n");
      for (String c : variants) {
        RunResult any = runs.stream().filter(r -> r.configuration().equals(c)).findFirst().orElseThrow();
        md.append("| ").append(any.prune()).append(" | ").append(any.allocate()).append(" | ").append(any.scoring())
            .append(" | ").append(any.idleness()).append(" | ").append(scheduleOf(c)).append(" | ").append(seedCount(c))
            .append(" |");
        List<Double> means = new ArrayList<>();
        for (String t : ablationTasks) {
          Stat s = accuracy(c, t);
          md.append(" ").append(cell(s)).append(" |");
          if (s != null) {
            means.add(s.mean());
          }
        }
        md.append(" ").append(percent(means.isEmpty() ? null : means.stream().mapToDouble(d -> d).average().orElseThrow()))
            .append(" |\n");
      }
    }

    md.append("\n## Settings against the defaults, paired by seed\n\n");
    if (baseOf.isEmpty()) {
      md.append("Every run used the default precision and prompts per block, and its configuration's usual epochs.\n");
    } else {
      md.append("A configuration with the frozen backbone's precision or the prompts per block off its default, or ")
          .append("with another number of epochs than its configuration's usual one on this page, ")
          .append("against the same configuration at the defaults (same method, choices, schedule, grid choice and ")
          .append("seeds). Δ = this − default in percentage points, the mean of the per-seed differences with its 95% ")
          .append("interval, classed by the Reading's rule; n = seeds of this configuration (")
          .append(seedCount(new ArrayList<>(baseOf.keySet()))).append(" here); epoch s = median epoch seconds, ")
          .append("time ratio = default's / this one's ")
          .append("(each run under its own machine load: a speed figure only where both ran alike).\n\n")
          .append("| configuration | compared with | task | n | default | this | Δ (paired) [95% interval] | class | default epoch s ")
          .append("| epoch s | time ratio |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (var e : baseOf.entrySet()) {
        for (String t : tasksOf(e.getKey())) {
          ResultsReading.Comparison c = ResultsReading.compare(this, e.getKey(), e.getValue(), t);
          Double base = medianEpochSeconds(e.getValue(), t);
          Double own = medianEpochSeconds(e.getKey(), t);
          md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" | ").append(t).append(" | ")
              .append(seedRuns(e.getKey(), t).size()).append(" | ").append(cell(accuracy(e.getValue(), t)))
              .append(" | ").append(cell(accuracy(e.getKey(), t))).append(" | ");
          if (c == null) {
            md.append("— | not run |");
          } else {
            md.append(signed(c.difference())).append(c.paired() ? " " + ResultsReading.interval(c) : " (means)")
                .append(" | ").append(c.side().word("above", "below")).append(" |");
          }
          md.append(" ").append(number(base, "%.2f")).append(" | ").append(number(own, "%.2f")).append(" | ")
              .append(base == null || own == null || own <= 0 ? "—" : String.format(Locale.ROOT, "%.2f×", base / own))
              .append(" |\n");
        }
      }
    }

    md.append("\n## PRO-VPT − VPT-Deep, paired by seed\n\n");
    List<String> paired = tasks.stream().filter(t -> pairedDifference(t) != null).toList();
    if (paired.isEmpty()) {
      md.append("No task has both PRO-VPT and VPT-Deep runs with a common seed.\n");
    } else {
      md.append("Percentage points; per seed, then mean ± sample std of the differences and the 95% interval of ")
          .append("their mean (Student t, n − 1 degrees of freedom; — with one seed).\n\n");
      md.append("| task | group | seeds | per-seed difference | mean ± std | 95% interval |\n")
          .append("|---|---|---|---|---|---|\n");
      for (String t : paired) {
        Stat d = pairedDifference(t);
        MeanInterval ci = MeanInterval.of(d.values());
        md.append("| ").append(t).append(" | ").append(RunResult.groupOf(t)).append(" | ").append(d.seeds())
            .append(" | ").append(String.join(", ", d.values().stream().map(v -> signed(v)).toList()))
            .append(" | ").append(signed(d.mean())).append(" ± ").append(String.format(Locale.ROOT, "%.2f", 100 * d.std()))
            .append(" | ").append(ci.defined() ? "[" + signed(ci.low()) + ", " + signed(ci.high()) + "]" : "—")
            .append(" |\n");
      }
      appendCharts(md, figures, charts, PAIRED_CHART, "PRO-VPT and VPT-Deep per task (mean ± std over seeds)");
      appendCharts(md, figures, charts, DIFFERENCE_CHART, "PRO-VPT − VPT-Deep per task (paired, mean, 95% interval)");
    }

    md.append("\n## Learned prompt distributions\n\n");
    List<String> distributed = tasks.stream().filter(t -> meanDistribution(t) != null).toList();
    if (distributed.isEmpty()) {
      md.append("No PRO-VPT run.\n");
    } else {
      int blocks = distributed.stream().mapToInt(t -> meanDistribution(t).length).max().orElse(0);
      md.append("Prompts per block at the end of PRO-VPT's runs, mean over seeds (block 1 is the first).\n\n| task |");
      for (int b = 1; b <= blocks; b++) {
        md.append(" ").append(b).append(" |");
      }
      md.append("\n|---|").append("---|".repeat(blocks)).append("\n");
      for (String t : distributed) {
        double[] mean = meanDistribution(t);
        md.append("| ").append(t).append(" |");
        for (int b = 0; b < blocks; b++) {
          md.append(" ").append(b < mean.length ? String.format(Locale.ROOT, "%.2f", mean[b]) : "—").append(" |");
        }
        md.append("\n");
      }
      appendCharts(md, figures, charts, DISTRIBUTION_CHART, "prompts per block, mean over seeds");
    }

    md.append("\n## Cost\n\n");
    md.append("Median epoch seconds over every epoch of every seed; images/s = training images / median seconds of ")
        .append("the tune phase (`phase_seconds.tune`). \"(cached)\": a linear probe on features computed once ")
        .append("(`train.cache-features`): the backbone ran over each image in its first epoch only, so its median ")
        .append("epoch counts head steps alone, not comparable with the other cells.\n\n");
    md.append("| task | PRO-VPT epoch s | VPT-Deep epoch s | PRO-VPT / VPT-Deep |");
    List<String> present = METHODS.stream().filter(byConfiguration::containsKey).toList();
    present.forEach(m -> md.append(" ").append(m).append(" images/s |"));
    md.append("\n|---|---|---|---|").append("---|".repeat(present.size())).append("\n");
    for (String t : tasks) {
      md.append("| ").append(t).append(" | ").append(number(medianEpochSeconds(Method.PRO_VPT.key, t), "%.2f"))
          .append(" | ").append(number(medianEpochSeconds(Method.VPT_DEEP.key, t), "%.2f")).append(" | ")
          .append(number(epochCostRatio(t), "%.3f")).append(" |");
      present.forEach(m -> md.append(" ").append(number(imagesPerSecond(m, t), "%.1f"))
          .append(seedRuns(m, t).stream().anyMatch(RunResult::cachedFeatures) ? " (cached)" : "").append(" |"));
      md.append("\n");
    }

    md.append("\n## Commands\n\n");
    for (Path input : inputs) {
      Path commands = input.resolve("commands.txt");
      if (Files.isRegularFile(commands)) {
        md.append("`").append(input).append("` (its `commands.txt`):\n\n```\n");
        try {
          md.append(Files.readString(commands).strip()).append("\n```\n\n");
        } catch (IOException e) {
          md.append("(unreadable: ").append(e.getMessage()).append(")\n```\n\n");
        }
      } else {
        md.append("`").append(input).append("`: no `commands.txt`; each run's `config.conf` holds its settings.\n\n");
      }
    }
    md.append("Runs read:\n\n| run | task | configuration | seed | test acc |\n|---|---|---|---|---|\n");
    for (RunResult r : runs) {
      md.append("| `").append(r.directory()).append("` | ").append(r.task()).append(" | ").append(r.configuration())
          .append(" | ").append(r.seed()).append(" | ").append(percent(r.testAccuracy())).append(" |\n");
    }
    if (!duplicates.isEmpty()) {
      md.append("\nLeft out as duplicates:\n\n");
      duplicates.forEach(d -> md.append("- `").append(d).append("`\n"));
    }

    md.append("\n## Machine\n\n");
    md.append("Read when this page was written (").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .append("), which need not be the machine that made the runs:\n\n");
    Runtime rt = Runtime.getRuntime();
    md.append("- cores: ").append(rt.availableProcessors()).append("\n");
    md.append("- OS: ").append(System.getProperty("os.name")).append(" ").append(System.getProperty("os.version"))
        .append(" (").append(System.getProperty("os.arch")).append(")\n");
    md.append("- JVM: ").append(System.getProperty("java.vm.name")).append(" ").append(System.getProperty("java.version"))
        .append(", max heap ").append(rt.maxMemory() / (1024 * 1024)).append(" MiB\n");
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      md.append("- memory: ").append(sun.getTotalMemorySize() / (1024 * 1024)).append(" MiB\n");
    }
    return md.toString();
  }

  private static void appendCharts(StringBuilder md, String figures, List<Path> charts, String name, String alt) {
    if (charts.stream().anyMatch(p -> p.getFileName().toString().equals(name))) {
      md.append("\n![").append(alt).append("](").append(figures).append("/").append(name).append(")\n");
    }
  }

  /** The number of seeds per task of a configuration: "3", or "2–3" when tasks differ. */
  private String seedCount(String configuration) {
    return seedCount(List.of(configuration));
  }

  /** The number of seeds per task over several configurations: "3", or "2–3" when they differ. */
  private String seedCount(List<String> configurations) {
    var counts = configurations.stream().flatMap(c -> byConfiguration.getOrDefault(c, Map.of()).values().stream())
        .mapToInt(Map::size).summaryStatistics();
    return counts.getCount() == 0 ? "0"
        : counts.getMin() == counts.getMax() ? String.valueOf(counts.getMin()) : counts.getMin() + "–" + counts.getMax();
  }

  /** How many seeds each table's cells hold, for the Reading's "Seeds" line. */
  String seedsLine() {
    List<String> variants = proVptConfigurations().stream().filter(c -> !c.equals(Method.PRO_VPT.key)).toList();
    StringBuilder s = new StringBuilder("Tab. 1: ")
        .append(seedCount(METHODS.stream().filter(byConfiguration::containsKey).toList())).append(" seeds per cell");
    s.append(variants.isEmpty() ? "" : "; Tab. 3's variants: " + seedCount(variants));
    s.append(baseOf.isEmpty() ? "" : "; settings against the defaults: " + seedCount(new ArrayList<>(baseOf.keySet())));
    return s.append(" (each table's n column gives them per row). Every comparison pairs the seeds both sides ran ")
        .append("(its \"common seeds\").").toString();
  }

  static String cell(Stat s) {
    return s == null ? "—" : String.format(Locale.ROOT, "%.2f ± %.2f", 100 * s.mean(), 100 * s.std());
  }

  static String percent(Double v) {
    return v == null ? "—" : String.format(Locale.ROOT, "%.2f", 100 * v);
  }

  static String signed(double v) {
    return String.format(Locale.ROOT, "%+.2f", 100 * v);
  }

  static String number(Double v, String format) {
    return v == null ? "—" : String.format(Locale.ROOT, format, v);
  }
}
