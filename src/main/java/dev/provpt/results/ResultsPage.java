package dev.provpt.results;

import java.nio.file.Path;
import java.util.List;

/**
 * The results page in Markdown: its opening (what was read, how to read it), the Reading ({@link ResultsReading}),
 * the authors' notes, then one section after another: the method tables ({@link MethodTables}), the settings
 * against their defaults ({@link SettingsTable}), VPT-Deep and PRO-VPT across prompts per block
 * ({@link PromptCountsSection}) and at longer schedules ({@link LongerSchedules}), PRO-VPT against VPT-Deep and its prompt distributions
 * ({@link ProVptSections}), the cost ({@link CostTable}) and where the numbers come from ({@link Provenance}).
 */
final class ResultsPage {
  /** The figures the page links: their folder relative to the page, and the files {@link ResultsCharts} wrote. */
  record Figures(String folder, List<Path> written) {
    /** The image line of {@code name}, when it was drawn (nothing otherwise). */
    void link(StringBuilder md, String name, String alt) {
      if (written.stream().anyMatch(p -> p.getFileName().toString().equals(name))) {
        md.append("\n![").append(alt).append("](").append(folder).append("/").append(name).append(")\n");
      }
    }
  }

  private ResultsPage() {}

  /** The page; {@code notes} (Markdown, checked by {@link ResultsNotes}) null for none. */
  static String markdown(ResultsReport report, Figures figures, String command, String notes) {
    StringBuilder md = new StringBuilder();
    opening(md, report, figures, command);
    md.append(ResultsReading.markdown(report));
    if (notes != null) {
      md.append("## Notes\n\n").append(notes.replaceFirst("^(\\s*\\n)+", "").stripTrailing()).append("\n\n");
    }
    MethodTables.tab1(md, report);
    MethodTables.tab3(md, report);
    SettingsTable.markdown(md, report);
    PromptCountsSection.markdown(md, report);
    LongerSchedules.markdown(md, report);
    ProVptSections.paired(md, report, figures);
    ProVptSections.distributions(md, report, figures);
    CostTable.markdown(md, report);
    Provenance.commands(md, report);
    Provenance.machine(md);
    return md.toString();
  }

  private static void opening(StringBuilder md, ResultsReport report, Figures figures, String command) {
    md.append("# Results\n\n");
    md.append("Written by `").append(command).append("` from ").append(report.runs().size()).append(" runs in ")
        .append(report.inputs().stream().map(p -> "`" + p + "`").reduce((a, b) -> a + ", " + b).orElse(""))
        .append(". ")
        .append("Every number on this page is computed from those runs' `summary.json`, `metrics.jsonl` and ")
        .append("`config.conf` (and the backbones' `model.conf`); rerun the command to refresh it.\n\n");
    md.append("**How to read.** Accuracies are top-1 test accuracy in percent, as mean ± sample standard deviation ")
        .append("over seeds (n = the number of seeds; ± 0.00 for one seed). A task's group is its mini-VTAB-1k ")
        .append("group (docs/SUITE.md), \"other\" for tasks outside the suite; a group mean is the mean of the ")
        .append("task means in it, and the global mean is the mean of the group means, as VTAB reports. ")
        .append("\"pixels\" is `method = pixels`, multinomial logistic regression on the normalised raw pixels ")
        .append("with no backbone: the floor a backbone has to beat. ")
        .append("\"PRO-VPT\" is `method = pro-vpt` with its defaults (prune taylor, allocate ppo, scoring online, ")
        .append("idleness input-gate); other PRO-VPT choices and schedules appear in the ablation table only, and ")
        .append("runs with another precision, number of prompts per block or number of epochs than the usual one of ")
        .append("their configuration only in \"Settings against the defaults\" (and, for VPT-Deep and PRO-VPT, in ")
        .append("\"Prompts per block\" and \"Longer schedules\" where such runs exist). ")
        .append("Differences are paired by seed (same seed, so the same split draw, initialisation and batches up ")
        .append("to the method's own choices). Blank cells (—) were not run. The same numbers, per seed and with ")
        .append("each configuration's backbone, split, base-lr, weight decay and epochs, are in `")
        .append(figures.folder()).append("/").append(ResultsReport.RESULTS_JSON).append("`.\n\n");
  }
}
