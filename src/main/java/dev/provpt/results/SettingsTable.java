package dev.provpt.results;

import static dev.provpt.results.ResultsReport.cell;
import static dev.provpt.results.ResultsReport.number;
import static dev.provpt.results.ResultsReport.signed;

import java.util.ArrayList;
import java.util.Locale;

/**
 * "Settings against the defaults, paired by seed": each configuration with a setting off its default (precision,
 * prompts per block, epochs) against the configuration that differs from it only there, task by task.
 */
final class SettingsTable {
  private SettingsTable() {}

  static void markdown(StringBuilder md, ResultsReport report) {
    md.append("\n## Settings against the defaults, paired by seed\n\n");
    if (report.settingsVariants().isEmpty()) {
      md.append("Every run used the default precision and prompts per block, and its configuration's usual epochs.\n");
      return;
    }
    md.append("A configuration with the frozen backbone's precision or the prompts per block off its default, or ")
        .append("with another number of epochs than its configuration's usual one on this page, ")
        .append("against the same configuration at the defaults (same method, choices, schedule, grid choice and ")
        .append("seeds). Δ = this − default in percentage points, the mean of the per-seed differences with its 95% ")
        .append("interval, classed by the Reading's rule; n = seeds of this configuration (")
        .append(report.seedCount(new ArrayList<>(report.settingsVariants().keySet()))).append(" here), common = ")
        .append("the seeds both ran, which Δ pairs; epoch s = median ")
        .append("epoch seconds, time ratio = default's / this one's ")
        .append("(each run under its own machine load: a speed figure only where both ran alike).\n\n")
        .append("| configuration | compared with | task | n | common | default | this | Δ (paired) [95% interval] | class ")
        .append("| default epoch s | epoch s | time ratio |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (var e : report.settingsVariants().entrySet()) {
      for (String t : report.tasksOf(e.getKey())) {
        row(md, report, e.getKey(), e.getValue(), t);
      }
    }
  }

  private static void row(StringBuilder md, ResultsReport report, String configuration, String base, String task) {
    ResultsReading.Comparison c = ResultsReading.compare(report, configuration, base, task);
    Double baseSeconds = report.medianEpochSeconds(base, task);
    Double own = report.medianEpochSeconds(configuration, task);
    md.append("| ").append(configuration).append(" | ").append(base).append(" | ").append(task).append(" | ")
        .append(report.seedRuns(configuration, task).size()).append(" | ").append(c == null ? 0 : c.seeds().size())
        .append(" | ").append(cell(report.accuracy(base, task)))
        .append(" | ").append(cell(report.accuracy(configuration, task))).append(" | ");
    if (c == null) {
      md.append("— | not run |");
    } else {
      md.append(signed(c.difference())).append(c.paired() ? " " + ResultsReading.interval(c) : " (means)")
          .append(" | ").append(c.side().word("above", "below")).append(" |");
    }
    md.append(" ").append(number(baseSeconds, "%.2f")).append(" | ").append(number(own, "%.2f")).append(" | ")
        .append(baseSeconds == null || own == null || own <= 0 ? "—"
            : String.format(Locale.ROOT, "%.2f×", baseSeconds / own))
        .append(" |\n");
  }
}
