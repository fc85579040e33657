package dev.provpt.results;

import com.typesafe.config.ConfigFactory;
import dev.provpt.method.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * [PRO-VPT] §4.5's robustness to the number of prompts: VPT-Deep and PRO-VPT at several prompts per block, task by
 * task. The runs are the configurations that differ from {@code vpt-deep} or {@code pro-vpt} only in
 * {@code prompts.per-block}, with the default configuration standing for reference.conf's count. On a task every
 * cell is taken on the same seeds: those every cell of the task ran (the default's further seeds are left out), so
 * a method's spread (max − min of its means over the counts both methods ran) compares like with like, and
 * PRO-VPT − VPT-Deep at each count is paired on those seeds and classed by the Reading's rule.
 */
final class PromptCounts {
  static final String DEEP = Method.VPT_DEEP.key;
  static final String PRO = Method.PRO_VPT.key;
  private static final String SETTING = "per-block=";

  /** A method at one count on a task: its configuration and its accuracy on the task's common seeds. */
  record Cell(String configuration, ResultsReport.Stat stat) {}

  /** A method on a task: its cells by prompts per block, and its spread (null with fewer than 2 shared counts). */
  record Row(String method, SortedMap<Integer, Cell> byCount, Double spread) {}

  /**
   * One task: the seeds every cell ran (empty when none is common to all), each method's row, and PRO-VPT −
   * VPT-Deep at each count both ran.
   */
  record Task(String task, List<Long> seeds, Row deep, Row pro, SortedMap<Integer, ResultsReading.Comparison> gap) {}

  private PromptCounts() {}

  /** reference.conf's prompts per block: what a configuration without the setting ran. */
  static int defaultCount() {
    return ConfigFactory.defaultReference().getInt("provpt.prompts.per-block");
  }

  /** The tasks where a count other than the default was run by either method, in page order; empty when none. */
  static List<Task> of(ResultsReport report) {
    Map<Integer, String> deep = configurations(report, DEEP);
    Map<Integer, String> pro = configurations(report, PRO);
    if (deep.size() < 2 && pro.size() < 2) {
      return List.of();
    }
    List<Task> tasks = new ArrayList<>();
    for (String task : report.tasks()) {
      boolean offDefault = java.util.stream.Stream.concat(deep.entrySet().stream(), pro.entrySet().stream())
          .anyMatch(e -> e.getKey() != defaultCount() && report.accuracy(e.getValue(), task) != null);
      if (offDefault) {
        tasks.add(task(report, task, deep, pro));
      }
    }
    return tasks;
  }

  private static Task task(ResultsReport report, String task, Map<Integer, String> deep, Map<Integer, String> pro) {
    List<String> cells = new ArrayList<>(deep.values());
    cells.addAll(pro.values());
    List<Long> seeds = commonSeeds(report, task, cells);
    SortedMap<Integer, Cell> deepCells = cells(report, task, deep, seeds);
    SortedMap<Integer, Cell> proCells = cells(report, task, pro, seeds);
    List<Integer> shared = deepCells.keySet().stream().filter(proCells::containsKey).toList();
    SortedMap<Integer, ResultsReading.Comparison> gap = new TreeMap<>();
    for (int count : shared) {
      gap.put(count, paired(report, pro.get(count), deep.get(count), task, seeds));
    }
    return new Task(task, seeds, new Row(DEEP, deepCells, spread(deepCells, shared)),
        new Row(PRO, proCells, spread(proCells, shared)), gap);
  }

  /** Prompts per block → configuration of {@code method}: its default and each variant off it only there. */
  static SortedMap<Integer, String> configurations(ResultsReport report, String method) {
    SortedMap<Integer, String> byCount = new TreeMap<>();
    for (var e : report.settingsVariants().entrySet()) {
      List<String> settings = report.runs().stream().filter(r -> r.configuration().equals(e.getKey())).findFirst()
          .map(RunResult::settings).orElse(List.of());
      if (e.getValue().equals(method) && settings.size() == 1 && settings.get(0).startsWith(SETTING)) {
        byCount.put(Integer.valueOf(settings.get(0).substring(SETTING.length())), e.getKey());
      }
    }
    if (!report.tasksOf(method).isEmpty()) {
      byCount.put(defaultCount(), method);
    }
    return byCount;
  }

  /** The seeds every one of {@code configurations} that ran on {@code task} has, in order. */
  static List<Long> commonSeeds(ResultsReport report, String task, List<String> configurations) {
    TreeSet<Long> common = null;
    for (String c : configurations) {
      ResultsReport.Stat s = report.accuracy(c, task);
      if (s != null) {
        if (common == null) {
          common = new TreeSet<>(s.seeds());
        } else {
          common.retainAll(s.seeds());
        }
      }
    }
    return common == null ? List.of() : List.copyOf(common);
  }

  /** The accuracy of a configuration on a task over {@code seeds} only; null when not run or seeds is empty. */
  static ResultsReport.Stat onSeeds(ResultsReport report, String configuration, String task, List<Long> seeds) {
    List<RunResult> runs = report.seedRuns(configuration, task).stream().filter(r -> seeds.contains(r.seed())).toList();
    if (runs.isEmpty()) {
      return null;
    }
    return ResultsReport.Stat.of(runs.stream().map(RunResult::seed).toList(),
        runs.stream().map(RunResult::testAccuracy).toList());
  }

  /** A − B on {@code seeds} (which both ran), paired by seed; null when either is missing or seeds is empty. */
  static ResultsReading.Comparison paired(ResultsReport report, String a, String b, String task, List<Long> seeds) {
    ResultsReport.Stat sa = onSeeds(report, a, task, seeds);
    ResultsReport.Stat sb = onSeeds(report, b, task, seeds);
    if (sa == null || sb == null || !sa.seeds().equals(sb.seeds())) {
      return null;
    }
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < sa.values().size(); i++) {
      d.add(sa.values().get(i) - sb.values().get(i));
    }
    return ResultsReading.paired(task, sa.seeds(), d);
  }

  private static SortedMap<Integer, Cell> cells(ResultsReport report, String task, Map<Integer, String> byCount,
      List<Long> seeds) {
    SortedMap<Integer, Cell> cells = new TreeMap<>();
    byCount.forEach((count, c) -> {
      ResultsReport.Stat s = onSeeds(report, c, task, seeds);
      if (s != null) {
        cells.put(count, new Cell(c, s));
      }
    });
    return cells;
  }

  /** max − min of the means over {@code counts}; null with fewer than two. */
  private static Double spread(SortedMap<Integer, Cell> cells, List<Integer> counts) {
    if (counts.size() < 2) {
      return null;
    }
    var means = counts.stream().mapToDouble(c -> cells.get(c).stat().mean()).summaryStatistics();
    return means.getMax() - means.getMin();
  }

  /** The mean over tasks of a method's spread, on the tasks where both methods have one; null when none. */
  static Double meanSpread(List<Task> tasks, String method) {
    var spreads = tasks.stream().filter(PromptCounts::hasBoth).map(t -> method.equals(PRO) ? t.pro().spread() : t.deep().spread()).toList();
    return spreads.isEmpty() ? null : spreads.stream().mapToDouble(d -> d).average().orElseThrow();
  }

  /** Every count shown on any task, in order. */
  static List<Integer> counts(List<Task> tasks) {
    TreeSet<Integer> counts = new TreeSet<>();
    tasks.forEach(t -> {
      counts.addAll(t.deep().byCount().keySet());
      counts.addAll(t.pro().byCount().keySet());
    });
    return List.copyOf(counts);
  }

  /** results.json's "prompts_per_block": the default count, per task its seeds, rows and gaps, the mean spreads. */
  static Map<String, Object> json(List<Task> tasks) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("default_per_block", defaultCount());
    Map<String, Object> byTask = new LinkedHashMap<>();
    for (Task t : tasks) {
      Map<String, Object> task = new LinkedHashMap<>();
      task.put("seeds", t.seeds());
      Map<String, Object> methods = new LinkedHashMap<>();
      for (Row row : List.of(t.deep(), t.pro())) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> counts = new LinkedHashMap<>();
        row.byCount().forEach((count, cell) -> counts.put(String.valueOf(count), stat(cell.configuration(),
            cell.stat())));
        m.put("per_block", counts);
        m.put("spread", row.spread());
        methods.put(row.method(), m);
      }
      task.put("methods", methods);
      Map<String, Object> gap = new LinkedHashMap<>();
      t.gap().forEach((count, c) -> gap.put(String.valueOf(count), comparison(c)));
      task.put("pro_vpt_minus_vpt_deep", gap);
      byTask.put(t.task(), task);
    }
    root.put("tasks", byTask);
    Map<String, Object> mean = new LinkedHashMap<>();
    mean.put("tasks", tasks.stream().filter(PromptCounts::hasBoth).map(Task::task).toList());
    mean.put(DEEP, meanSpread(tasks, DEEP));
    mean.put(PRO, meanSpread(tasks, PRO));
    root.put("mean_spread", mean);
    return root;
  }

  /** A configuration's accuracy for results.json: n, seeds, per-seed accuracies, mean, std; null when not run. */
  static Map<String, Object> stat(String configuration, ResultsReport.Stat stat) {
    if (stat == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("configuration", configuration);
    m.put("n", stat.seeds().size());
    m.put("seeds", stat.seeds());
    m.put("test_acc", stat.values());
    m.put("mean", stat.mean());
    m.put("std", stat.std());
    return m;
  }

  /** A comparison for results.json: n, difference, the interval (null without one) and its class. */
  static Map<String, Object> comparison(ResultsReading.Comparison c) {
    if (c == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", c.seeds().size());
    m.put("seeds", c.seeds());
    m.put("difference", c.difference());
    m.put("low", c.interval() == null ? null : c.interval().low());
    m.put("high", c.interval() == null ? null : c.interval().high());
    m.put("class", c.side().name().toLowerCase(java.util.Locale.ROOT));
    return m;
  }

  /** Whether both methods have a spread on the task (two or more counts both ran). */
  static boolean hasBoth(Task t) {
    return t.deep().spread() != null && t.pro().spread() != null;
  }
}
