package dev.provpt.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.method.Method;
import dev.provpt.stats.Moments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The runs behind the results page ({@code docs/RESULTS.md}), read from run directories and grouped by
 * configuration, task and seed, with the numbers the page is made of: accuracies over seeds, group and global means,
 * paired differences, prompt distributions, epoch costs. {@link #write} writes the page ({@link ResultsPage} and its
 * sections), its figures ({@link ResultsCharts}) and {@code results.json} ({@link ResultsJson}). Every number on the
 * page is computed from the runs' files.
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

  /** The directories the runs were read from, as given. */
  List<Path> inputs() {
    return inputs;
  }

  /** The runs left out: same task, configuration and seed as a run read before them. */
  List<String> duplicates() {
    return List.copyOf(duplicates);
  }

  /** Tab. 1's methods that have runs, in its row order. */
  List<String> methodsRun() {
    return METHODS.stream().filter(byConfiguration::containsKey).toList();
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

  /** The runs of a configuration on a task, in seed order (empty when not run). */
  List<RunResult> seedRuns(String configuration, String task) {
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
    Files.writeString(json, JSON.writerWithDefaultPrettyPrinter()
        .writeValueAsString(ResultsJson.of(this, markdown.toString(), command)) + "\n");
    written.add(json);
    String link = parent.relativize(figures.toAbsolutePath()).toString().replace('\\', '/');
    Files.writeString(markdown, ResultsPage.markdown(this, new ResultsPage.Figures(link.isEmpty() ? "." : link,
        written), command, notes));
    written.add(0, markdown);
    return written;
  }

  /** The number of seeds per task over several configurations: "3", or "2–3" when they differ. */
  String seedCount(List<String> configurations) {
    var counts = configurations.stream().flatMap(c -> byConfiguration.getOrDefault(c, Map.of()).values().stream())
        .mapToInt(Map::size).summaryStatistics();
    return counts.getCount() == 0 ? "0"
        : counts.getMin() == counts.getMax() ? String.valueOf(counts.getMin()) : counts.getMin() + "–" + counts.getMax();
  }

  /** How many seeds each table's cells hold, for the Reading's "Seeds" line. */
  String seedsLine() {
    List<String> variants = proVptConfigurations().stream().filter(c -> !c.equals(Method.PRO_VPT.key)).toList();
    StringBuilder s = new StringBuilder("Tab. 1: ").append(seedCount(methodsRun())).append(" seeds per cell");
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
