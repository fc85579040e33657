package dev.provpt.results;

import static dev.provpt.results.ResultsReport.cell;
import static dev.provpt.results.ResultsReport.percent;

import dev.provpt.method.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The page's tables of methods: Tab. 1 (every method across tasks, with group and global means, then the trainable
 * parameters) and Tab. 3 (PRO-VPT's variants, the ablation).
 */
final class MethodTables {
  private MethodTables() {}

  /** "Tab. 1: methods across tasks": accuracies, group means, global mean; then the trainable parameters. */
  static void tab1(StringBuilder md, ResultsReport report) {
    List<String> tasks = report.tasks();
    List<String> groups = report.groups();
    md.append("## Tab. 1: methods across tasks\n\n");
    md.append("Trainable parameters = prompts × width + width × classes + classes (prompts: the final ")
        .append("distribution's total for VPT-Deep and PRO-VPT, `prompts.shallow-count` for VPT-Shallow, none for ")
        .append("the linear probe; the head is width × classes + classes), per task in the table below; the pixels ")
        .append("baseline has no backbone, its head reads the image's values: values × classes + classes.\n\n");
    md.append("| method | n |");
    for (String t : tasks) {
      md.append(" ").append(t).append(" (").append(RunResult.groupOf(t)).append(") |");
    }
    for (String g : groups) {
      md.append(" mean ").append(g).append(" |");
    }
    md.append(" global mean |\n|---|---|");
    md.append("---|".repeat(tasks.size() + groups.size() + 1)).append("\n");
    for (String method : report.methodsRun()) {
      md.append("| ").append(method).append(" | ").append(report.seedCount(List.of(method))).append(" |");
      for (String t : tasks) {
        md.append(" ").append(cell(report.accuracy(method, t))).append(" |");
      }
      for (String g : groups) {
        md.append(" ").append(percent(report.groupMean(method, g))).append(" |");
      }
      md.append(" ").append(percent(report.globalMean(method))).append(" |\n");
    }
    parameters(md, report, tasks);
  }

  private static void parameters(StringBuilder md, ResultsReport report, List<String> tasks) {
    md.append("\nTrainable parameters:\n\n| method |");
    tasks.forEach(t -> md.append(" ").append(t).append(" |"));
    md.append("\n|---|").append("---|".repeat(tasks.size())).append("\n");
    for (String method : report.methodsRun()) {
      md.append("| ").append(method).append(" |");
      for (String t : tasks) {
        Long p = report.trainableParameters(method, t);
        md.append(" ").append(p == null ? "—" : String.format(Locale.ROOT, "%,d", p)).append(" |");
      }
      md.append("\n");
    }
  }

  /** "Tab. 3: PRO-VPT's variants (ablation)", on the tasks where a variant other than the default ran. */
  static void tab3(StringBuilder md, ResultsReport report) {
    md.append("\n## Tab. 3: PRO-VPT's variants (ablation)\n\n");
    List<String> variants = report.proVptConfigurations();
    List<String> ablationTasks = report.tasks().stream().filter(t -> variants.stream()
        .filter(c -> !c.equals(Method.PRO_VPT.key)).anyMatch(c -> report.accuracy(c, t) != null)).toList();
    if (variants.size() < 2 || ablationTasks.isEmpty()) {
      md.append("No PRO-VPT variant other than the default was run.\n");
      return;
    }
    md.append("Tasks where a variant other than the default was run; the mean is over those tasks where the ")
        .append("variant ran; schedule names PRO-VPT's warm-up, relocation and PPO settings off their defaults.\n\n")
        .append("| prune | allocate | scoring | idleness | schedule | n |");
    ablationTasks.forEach(t -> md.append(" ").append(t).append(" |"));
    md.append(" mean |\n|---|---|---|---|---|---|").append("---|".repeat(ablationTasks.size() + 1)).append("\n");
    for (String c : variants) {
      RunResult any = report.runs().stream().filter(r -> r.configuration().equals(c)).findFirst().orElseThrow();
      md.append("| ").append(any.prune()).append(" | ").append(any.allocate()).append(" | ").append(any.scoring())
          .append(" | ").append(any.idleness()).append(" | ").append(ResultsReport.scheduleOf(c)).append(" | ")
          .append(report.seedCount(List.of(c))).append(" |");
      List<Double> means = new ArrayList<>();
      for (String t : ablationTasks) {
        ResultsReport.Stat s = report.accuracy(c, t);
        md.append(" ").append(cell(s)).append(" |");
        if (s != null) {
          means.add(s.mean());
        }
      }
      md.append(" ").append(percent(means.isEmpty() ? null : means.stream().mapToDouble(d -> d).average().orElseThrow()))
          .append(" |\n");
    }
  }
}
