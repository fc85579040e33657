package dev.provpt.results;

import static dev.provpt.results.ResultsReport.percent;
import static dev.provpt.results.ResultsReport.signed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The page's "Prompts per block" section ([PRO-VPT] §4.5, numbers from {@link PromptCounts}): per task VPT-Deep and
 * PRO-VPT at each count on the task's common seeds, each method's spread, PRO-VPT − VPT-Deep per count with its
 * interval; then the mean spreads over tasks and a sentence comparing them, which the Reading repeats.
 */
final class PromptCountsSection {
  private PromptCountsSection() {}

  /** The section; nothing when no run has a count other than the default. */
  static void markdown(StringBuilder md, ResultsReport report) {
    List<PromptCounts.Task> tasks = PromptCounts.of(report);
    if (tasks.isEmpty()) {
      return;
    }
    List<Integer> counts = PromptCounts.counts(tasks);
    md.append("\n## Prompts per block\n\n")
        .append("[PRO-VPT] §4.5: PRO-VPT is robust to the total number of prompts, VPT-Deep is not. Here both at ")
        .append("each number of prompts per block that was run (").append(PromptCounts.defaultCount())
        .append(" is the default: the configuration without the setting; every other setting as there). On a task ")
        .append("every cell holds the same seeds, those all its cells ran (column seeds): the default's runs on ")
        .append("further seeds are left out, so its cells may differ from Tab. 1's. A cell is test accuracy mean ± ")
        .append("std (n); spread = max − min of the method's means over the counts both methods ran. The row ")
        .append("PRO-VPT − VPT-Deep is the difference paired by seed with its 95% interval and the Reading's class; ")
        .append("its spread cell is PRO-VPT's spread − VPT-Deep's (no interval).\n\n| task | seeds | |");
    counts.forEach(c -> md.append(" ").append(c).append(c == PromptCounts.defaultCount() ? " (default)" : "")
        .append(" |"));
    md.append(" spread |\n|---|---|---|").append("---|".repeat(counts.size() + 1)).append("\n");
    for (PromptCounts.Task t : tasks) {
      String lead = "| " + t.task() + " | " + (t.seeds().isEmpty() ? "none common to every cell"
          : String.join(", ", t.seeds().stream().map(String::valueOf).toList())) + " | ";
      for (PromptCounts.Row row : List.of(t.deep(), t.pro())) {
        md.append(lead).append(name(row.method())).append(" |");
        counts.forEach(c -> md.append(" ").append(cell(row.byCount().get(c))).append(" |"));
        md.append(" ").append(percent(row.spread())).append(" |\n");
      }
      md.append(lead).append("PRO-VPT − VPT-Deep |");
      for (int c : counts) {
        ResultsReading.Comparison x = t.gap().get(c);
        md.append(" ").append(x == null ? "—" : signed(x.difference()) + " " + ResultsReading.interval(x) + " "
            + x.side().word("ahead", "behind")).append(" |");
      }
      md.append(" ").append(PromptCounts.hasBoth(t) ? signed(t.pro().spread() - t.deep().spread()) : "—")
          .append(" |\n");
    }
    md.append("\n").append(summary(tasks)).append("\n");
  }

  /** The Reading's paragraph on the section; "" when it is absent. */
  static String reading(ResultsReport report) {
    List<PromptCounts.Task> tasks = PromptCounts.of(report);
    return tasks.isEmpty() ? "" : "**Prompts per block ([PRO-VPT] §4.5).** " + summary(tasks)
        + " Per task and count: the section \"Prompts per block\".\n\n";
  }

  /** The spreads compared in words (no test: a description), then PRO-VPT − VPT-Deep per count over tasks. */
  static String summary(List<PromptCounts.Task> tasks) {
    List<PromptCounts.Task> both = tasks.stream().filter(PromptCounts::hasBoth).toList();
    StringBuilder s = new StringBuilder();
    if (both.isEmpty()) {
      s.append("No task has both methods at two or more counts: there is no spread to compare.");
    } else {
      List<String> smaller = new ArrayList<>();
      List<String> larger = new ArrayList<>();
      List<String> equal = new ArrayList<>();
      for (PromptCounts.Task t : both) {
        double d = t.pro().spread() - t.deep().spread();
        (Math.abs(d) < 1e-9 ? equal : d < 0 ? smaller : larger).add(t.task());
      }
      var seeds = both.stream().mapToInt(t -> t.seeds().size()).summaryStatistics();
      s.append("Across prompt counts, PRO-VPT's spread is smaller than VPT-Deep's on ").append(smaller.size())
          .append(" of ").append(both.size()).append(both.size() == 1 ? " task" : " tasks").append(list(smaller))
          .append(", larger on ").append(larger.size()).append(list(larger)).append(", equal on ")
          .append(equal.size()).append(list(equal)).append("; mean spread over ")
          .append(both.size() == 1 ? "that task" : "those tasks").append(": PRO-VPT ")
          .append(percent(PromptCounts.meanSpread(tasks, PromptCounts.PRO))).append(", VPT-Deep ")
          .append(percent(PromptCounts.meanSpread(tasks, PromptCounts.DEEP)))
          .append(" points. A spread is the range of a few means of ")
          .append(seeds.getMin() == seeds.getMax() ? String.valueOf(seeds.getMin())
              : seeds.getMin() + "–" + seeds.getMax())
          .append(" seeds each and has no interval here; no test compares the two methods' spreads, so this ")
          .append("describes these runs and neither confirms nor refutes the claim.");
    }
    for (int c : PromptCounts.counts(tasks)) {
      List<ResultsReading.Comparison> cs = tasks.stream().map(t -> t.gap().get(c)).filter(x -> x != null).toList();
      if (!cs.isEmpty()) {
        s.append(" At ").append(c).append(" per block, PRO-VPT is ")
            .append(ResultsReading.classes(cs, "ahead of VPT-Deep", "behind"));
      }
    }
    return s.toString();
  }

  private static String list(List<String> tasks) {
    return tasks.isEmpty() ? "" : " (" + String.join(", ", tasks) + ")";
  }

  private static String name(String method) {
    return method.equals(PromptCounts.PRO) ? "PRO-VPT" : "VPT-Deep";
  }

  private static String cell(PromptCounts.Cell cell) {
    return cell == null ? "—" : String.format(Locale.ROOT, "%s (%d)", ResultsReport.cell(cell.stat()),
        cell.stat().seeds().size());
  }
}
