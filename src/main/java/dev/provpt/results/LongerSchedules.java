package dev.provpt.results;

import static dev.provpt.results.PromptCounts.DEEP;
import static dev.provpt.results.PromptCounts.PRO;
import static dev.provpt.results.ResultsReport.cell;
import static dev.provpt.results.ResultsReport.signed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * VPT-Deep and PRO-VPT at more epochs than their configuration's usual count (the paper's schedule is 100), each
 * against itself at the usual count, and PRO-VPT − VPT-Deep at both schedules and its change: does a longer schedule
 * pay back? The runs are the configurations that differ from {@code vpt-deep} or {@code pro-vpt} only in their
 * epochs; on a task every cell is taken on the seeds all its cells ran, and every difference is paired by seed and
 * classed by the Reading's rule.
 */
final class LongerSchedules {
  private static final String SETTING = "epochs=";

  /** A method on a task: usual and longer schedule on the task's seeds, and longer − usual (null when one is absent). */
  record Row(String method, String usualConfiguration, String longerConfiguration, ResultsReport.Stat usual,
      ResultsReport.Stat longer, ResultsReading.Comparison change) {}

  /**
   * One task at one longer schedule: its seeds, the usual epochs (null when the usual runs differ), each method's
   * row, and PRO-VPT − VPT-Deep at the usual schedule, at the longer one, and longer − usual of that gap.
   */
  record Task(String task, int epochs, Integer usualEpochs, List<Long> seeds, Row deep, Row pro,
      ResultsReading.Comparison gapUsual, ResultsReading.Comparison gapLonger, ResultsReading.Comparison gapChange) {}

  private LongerSchedules() {}

  /** Per longer epoch count (ascending), the tasks where either method ran it, in page order; empty when none. */
  static List<Task> of(ResultsReport report) {
    SortedMap<Integer, Map<String, String>> byEpochs = new TreeMap<>();
    for (var e : report.settingsVariants().entrySet()) {
      List<String> settings = report.runs().stream().filter(r -> r.configuration().equals(e.getKey())).findFirst()
          .map(RunResult::settings).orElse(List.of());
      if ((e.getValue().equals(DEEP) || e.getValue().equals(PRO)) && settings.size() == 1
          && settings.get(0).startsWith(SETTING)) {
        byEpochs.computeIfAbsent(Integer.valueOf(settings.get(0).substring(SETTING.length())), n -> new TreeMap<>())
            .put(e.getValue(), e.getKey());
      }
    }
    List<Task> tasks = new ArrayList<>();
    byEpochs.forEach((epochs, longer) -> report.tasks().stream()
        .filter(t -> longer.values().stream().anyMatch(c -> report.accuracy(c, t) != null))
        .forEach(t -> tasks.add(task(report, t, epochs, longer.get(DEEP), longer.get(PRO)))));
    return tasks;
  }

  private static Task task(ResultsReport report, String task, int epochs, String deepLonger, String proLonger) {
    List<String> cells = new ArrayList<>(List.of(DEEP, PRO));
    java.util.stream.Stream.of(deepLonger, proLonger).filter(Objects::nonNull).forEach(cells::add);
    List<Long> seeds = PromptCounts.commonSeeds(report, task, cells);
    List<Integer> usualEpochs = java.util.stream.Stream.of(DEEP, PRO).flatMap(c -> report.seedRuns(c, task).stream())
        .filter(r -> seeds.contains(r.seed())).map(RunResult::epochs).distinct().toList();
    ResultsReading.Comparison gapUsual = PromptCounts.paired(report, PRO, DEEP, task, seeds);
    ResultsReading.Comparison gapLonger = deepLonger == null || proLonger == null ? null
        : PromptCounts.paired(report, proLonger, deepLonger, task, seeds);
    return new Task(task, epochs, usualEpochs.size() == 1 ? usualEpochs.get(0) : null, seeds,
        row(report, task, DEEP, deepLonger, seeds), row(report, task, PRO, proLonger, seeds), gapUsual, gapLonger,
        gapUsual == null || gapLonger == null ? null : change(report, task, seeds, deepLonger, proLonger));
  }

  private static Row row(ResultsReport report, String task, String usual, String longer, List<Long> seeds) {
    return new Row(usual, usual, longer, PromptCounts.onSeeds(report, usual, task, seeds),
        longer == null ? null : PromptCounts.onSeeds(report, longer, task, seeds),
        longer == null ? null : PromptCounts.paired(report, longer, usual, task, seeds));
  }

  /** Per seed (PRO-VPT − VPT-Deep, longer) − (PRO-VPT − VPT-Deep, usual), classed by the rule. */
  private static ResultsReading.Comparison change(ResultsReport report, String task, List<Long> seeds,
      String deepLonger, String proLonger) {
    List<List<Double>> acc = java.util.stream.Stream.of(proLonger, deepLonger, PRO, DEEP)
        .map(c -> PromptCounts.onSeeds(report, c, task, seeds).values()).toList();
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < seeds.size(); i++) {
      d.add(acc.get(0).get(i) - acc.get(1).get(i) - (acc.get(2).get(i) - acc.get(3).get(i)));
    }
    return ResultsReading.paired(task, seeds, d);
  }

  /** The section "Longer schedules"; nothing when no such run exists. */
  static void markdown(StringBuilder md, ResultsReport report) {
    List<Task> tasks = of(report);
    if (tasks.isEmpty()) {
      return;
    }
    md.append("\n## Longer schedules\n\n")
        .append("VPT-Deep and PRO-VPT trained for more epochs than their configuration's usual count (the paper ")
        .append("trains 100), against the same configuration at the usual count. On a task every cell holds the ")
        .append("same seeds, those all its cells ran (column seeds): the usual schedule's runs on further seeds are ")
        .append("left out, so its cells may differ from Tab. 1's. Cells are test accuracy mean ± std; longer − ")
        .append("usual is paired by seed with its 95% interval and the Reading's class. The row PRO-VPT − VPT-Deep ")
        .append("gives that paired difference at each schedule, then its change: per seed, the gap at the longer ")
        .append("schedule − the gap at the usual one.\n\n")
        .append("| task | seeds | epochs | | usual | longer | longer − usual (paired) [95% interval] | class |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (Task t : tasks) {
      String lead = "| " + t.task() + " | " + (t.seeds().isEmpty() ? "none common to every cell"
          : String.join(", ", t.seeds().stream().map(String::valueOf).toList())) + " | " + (t.usualEpochs() == null ? "usual" : t.usualEpochs()) + " → " + t.epochs() + " | ";
      for (Row row : List.of(t.deep(), t.pro())) {
        md.append(lead).append(row.method().equals(PRO) ? "PRO-VPT" : "VPT-Deep").append(" | ")
            .append(cell(row.usual())).append(" | ").append(cell(row.longer())).append(" | ")
            .append(difference(row.change())).append(" | ")
            .append(row.change() == null ? "—" : row.change().side().word("above", "below")).append(" |\n");
      }
      md.append(lead).append("PRO-VPT − VPT-Deep | ").append(gap(t.gapUsual())).append(" | ")
          .append(gap(t.gapLonger())).append(" | ").append(difference(t.gapChange())).append(" | ")
          .append(t.gapChange() == null ? "—" : t.gapChange().side().word("above", "below")).append(" |\n");
    }
    md.append("\n").append(summary(tasks)).append("\n");
  }

  /** Per longer epoch count, the classes over tasks of each method's change, of the gap and of its change. */
  static String summary(List<Task> tasks) {
    StringBuilder s = new StringBuilder();
    for (int epochs : tasks.stream().map(Task::epochs).distinct().toList()) {
      List<Task> at = tasks.stream().filter(t -> t.epochs() == epochs).toList();
      s.append(s.length() == 0 ? "" : " ").append("At ").append(epochs).append(" epochs against the usual ones, ");
      part(s, "VPT-Deep is ", at.stream().map(t -> t.deep().change()).toList(), "above itself", "below");
      part(s, " PRO-VPT is ", at.stream().map(t -> t.pro().change()).toList(), "above itself", "below");
      part(s, " At " + epochs + " epochs PRO-VPT is ", at.stream().map(Task::gapLonger).toList(),
          "ahead of VPT-Deep", "behind");
      part(s, " Its gap to VPT-Deep, longer − usual, is ", at.stream().map(Task::gapChange).toList(), "above zero",
          "below");
    }
    return s.toString();
  }

  private static void part(StringBuilder s, String lead, List<ResultsReading.Comparison> all, String above,
      String below) {
    List<ResultsReading.Comparison> cs = all.stream().filter(Objects::nonNull).toList();
    if (!cs.isEmpty()) {
      s.append(lead).append(ResultsReading.classes(cs, above, below));
    }
  }

  private static String difference(ResultsReading.Comparison c) {
    return c == null ? "—" : signed(c.difference()) + (c.paired() ? " " + ResultsReading.interval(c) : " (one seed)");
  }

  private static String gap(ResultsReading.Comparison c) {
    return c == null ? "—" : difference(c) + " " + c.side().word("ahead", "behind");
  }

  /** results.json's "longer_schedules": one entry per task and longer epoch count. */
  static List<Map<String, Object>> json(List<Task> tasks) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Task t : tasks) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("task", t.task());
      entry.put("epochs", t.epochs());
      entry.put("usual_epochs", t.usualEpochs());
      entry.put("seeds", t.seeds());
      Map<String, Object> methods = new LinkedHashMap<>();
      for (Row row : List.of(t.deep(), t.pro())) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("usual", PromptCounts.stat(row.usualConfiguration(), row.usual()));
        m.put("longer", PromptCounts.stat(row.longerConfiguration(), row.longer()));
        m.put("longer_minus_usual", PromptCounts.comparison(row.change()));
        methods.put(row.method(), m);
      }
      entry.put("methods", methods);
      Map<String, Object> gap = new LinkedHashMap<>();
      gap.put("usual", PromptCounts.comparison(t.gapUsual()));
      gap.put("longer", PromptCounts.comparison(t.gapLonger()));
      gap.put("change", PromptCounts.comparison(t.gapChange()));
      entry.put("pro_vpt_minus_vpt_deep", gap);
      list.add(entry);
    }
    return list;
  }
}
