package dev.provpt.results;

import static dev.provpt.results.ResultsReport.signed;

import dev.provpt.stats.MeanInterval;
import java.util.List;
import java.util.Locale;

/** The page's sections on PRO-VPT itself: its difference to VPT-Deep paired by seed, and its learned distributions. */
final class ProVptSections {
  private ProVptSections() {}

  /** "PRO-VPT − VPT-Deep, paired by seed": per task, the per-seed differences, their mean ± std and 95% interval. */
  static void paired(StringBuilder md, ResultsReport report, ResultsPage.Figures figures) {
    md.append("\n## PRO-VPT − VPT-Deep, paired by seed\n\n");
    List<String> paired = report.tasks().stream().filter(t -> report.pairedDifference(t) != null).toList();
    if (paired.isEmpty()) {
      md.append("No task has both PRO-VPT and VPT-Deep runs with a common seed.\n");
      return;
    }
    md.append("Percentage points; per seed, then mean ± sample std of the differences and the 95% interval of ")
        .append("their mean (Student t, n − 1 degrees of freedom; — with one seed).\n\n");
    md.append("| task | group | seeds | per-seed difference | mean ± std | 95% interval |\n")
        .append("|---|---|---|---|---|---|\n");
    for (String t : paired) {
      ResultsReport.Stat d = report.pairedDifference(t);
      MeanInterval ci = MeanInterval.of(d.values());
      md.append("| ").append(t).append(" | ").append(RunResult.groupOf(t)).append(" | ").append(d.seeds())
          .append(" | ").append(String.join(", ", d.values().stream().map(v -> signed(v)).toList()))
          .append(" | ").append(signed(d.mean())).append(" ± ").append(String.format(Locale.ROOT, "%.2f", 100 * d.std()))
          .append(" | ").append(ci.defined() ? "[" + signed(ci.low()) + ", " + signed(ci.high()) + "]" : "—")
          .append(" |\n");
    }
    figures.link(md, ResultsReport.PAIRED_CHART, "PRO-VPT and VPT-Deep per task (mean ± std over seeds)");
    figures.link(md, ResultsReport.DIFFERENCE_CHART, "PRO-VPT − VPT-Deep per task (paired, mean, 95% interval)");
  }

  /** "Learned prompt distributions": prompts per block at the end of PRO-VPT's runs, mean over seeds. */
  static void distributions(StringBuilder md, ResultsReport report, ResultsPage.Figures figures) {
    md.append("\n## Learned prompt distributions\n\n");
    List<String> distributed = report.tasks().stream().filter(t -> report.meanDistribution(t) != null).toList();
    if (distributed.isEmpty()) {
      md.append("No PRO-VPT run.\n");
      return;
    }
    int blocks = distributed.stream().mapToInt(t -> report.meanDistribution(t).length).max().orElse(0);
    md.append("Prompts per block at the end of PRO-VPT's runs, mean over seeds (block 1 is the first).\n\n| task |");
    for (int b = 1; b <= blocks; b++) {
      md.append(" ").append(b).append(" |");
    }
    md.append("\n|---|").append("---|".repeat(blocks)).append("\n");
    for (String t : distributed) {
      double[] mean = report.meanDistribution(t);
      md.append("| ").append(t).append(" |");
      for (int b = 0; b < blocks; b++) {
        md.append(" ").append(b < mean.length ? String.format(Locale.ROOT, "%.2f", mean[b]) : "—").append(" |");
      }
      md.append("\n");
    }
    figures.link(md, ResultsReport.DISTRIBUTION_CHART, "prompts per block, mean over seeds");
  }
}
