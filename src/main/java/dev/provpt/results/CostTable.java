package dev.provpt.results;

import static dev.provpt.results.ResultsReport.number;

import dev.provpt.method.Method;
import java.util.List;

/** "Cost": per task, PRO-VPT's and VPT-Deep's median epoch, their ratio, and every method's training images/s. */
final class CostTable {
  private CostTable() {}

  static void markdown(StringBuilder md, ResultsReport report) {
    md.append("\n## Cost\n\n");
    md.append("Median epoch seconds over every epoch of every seed; images/s = training images / median seconds of ")
        .append("the tune phase (`phase_seconds.tune`). \"(cached)\": a linear probe on features computed once ")
        .append("(`train.cache-features`): the backbone ran over each image in its first epoch only, so its median ")
        .append("epoch counts head steps alone, not comparable with the other cells.\n\n");
    md.append("| task | PRO-VPT epoch s | VPT-Deep epoch s | PRO-VPT / VPT-Deep |");
    List<String> present = report.methodsRun();
    present.forEach(m -> md.append(" ").append(m).append(" images/s |"));
    md.append("\n|---|---|---|---|").append("---|".repeat(present.size())).append("\n");
    for (String t : report.tasks()) {
      md.append("| ").append(t).append(" | ").append(number(report.medianEpochSeconds(Method.PRO_VPT.key, t), "%.2f"))
          .append(" | ").append(number(report.medianEpochSeconds(Method.VPT_DEEP.key, t), "%.2f")).append(" | ")
          .append(number(report.epochCostRatio(t), "%.3f")).append(" |");
      present.forEach(m -> md.append(" ").append(number(report.imagesPerSecond(m, t), "%.1f"))
          .append(report.seedRuns(m, t).stream().anyMatch(RunResult::cachedFeatures) ? " (cached)" : "").append(" |"));
      md.append("\n");
    }
  }
}
