package dev.provpt.results;

import static dev.provpt.results.ReadingNumbers.number;
import static dev.provpt.results.ReadingNumbers.p;
import static dev.provpt.results.ReadingNumbers.pp;
import static dev.provpt.results.ReadingNumbers.smallestP;
import static dev.provpt.results.ReadingNumbers.t;

import dev.provpt.data.suite.SuiteTasks;
import dev.provpt.method.Method;
import dev.provpt.stats.MeanInterval;
import dev.provpt.stats.Moments;
import dev.provpt.stats.SignTest;
import dev.provpt.stats.SignedRankTest;
import java.util.ArrayList;
import java.util.List;

/**
 * The "Reading" section of the results page: what the tables say, computed from the same runs (no number in it
 * is typed). Each comparison A − B on a task is the mean of the per-seed differences with its 95% confidence
 * interval (Student t, n − 1 degrees of freedom); A is above or below B only where that interval excludes zero,
 * otherwise there is no detectable difference. Over tasks, the per-task mean differences are tested by Wilcoxon's
 * signed-rank test and the sign test (both exact, two-sided). The rule is stated on the page.
 */
public final class ResultsReading {
  /** The level at which a p-value over tasks is called a detectable difference. */
  static final double ALPHA = 0.05;

  /** Where A stands against B on a task. */
  public enum Side {
    /** The interval lies above zero. */
    ABOVE,
    /** The interval lies below zero. */
    BELOW,
    /** The interval holds zero. */
    NONE,
    /** Fewer than two seeds in common: no interval, so no class. */
    TOO_FEW;

    String word(String above, String below) {
      return switch (this) {
        case ABOVE -> above;
        case BELOW -> below;
        case NONE -> "no detectable difference";
        case TOO_FEW -> "no interval (< 2 common seeds)";
      };
    }
  }

  /**
   * A − B on one task.
   *
   * @param seeds the seeds both ran
   * @param paired whether the difference is paired by seed (at least two common seeds)
   * @param difference the mean paired difference, or the difference of the means when not paired
   * @param interval the 95% interval of the mean paired difference; null when not paired
   */
  public record Comparison(String task, List<Long> seeds, boolean paired, double difference, MeanInterval interval,
      Side side) {}

  /** The per-task differences of a comparison over tasks and the two paired tests on them. */
  public record OverTasks(List<Double> differences, SignedRankTest.Result wilcoxon, SignTest.Result sign) {
    static OverTasks of(List<Comparison> cs) {
      List<Double> d = cs.stream().map(Comparison::difference).toList();
      return new OverTasks(d, SignedRankTest.of(d), SignTest.of(d));
    }
  }
  private static final String PRO = Method.PRO_VPT.key;
  private static final String DEEP = Method.VPT_DEEP.key;
  private static final String PIXELS = Method.PIXELS.key;

  private ResultsReading() {}

  /** A − B on {@code task} by the page's rule; null when either was not run on it. */
  public static Comparison compare(ResultsReport report, String a, String b, String task) {
    ResultsReport.Stat sa = report.accuracy(a, task);
    ResultsReport.Stat sb = report.accuracy(b, task);
    if (sa == null || sb == null) {
      return null;
    }
    ResultsReport.Stat d = report.pairedDifference(a, b, task);
    List<Long> common = d == null ? List.of() : d.seeds();
    if (common.size() < 2) {
      return new Comparison(task, common, false, sa.mean() - sb.mean(), null, Side.TOO_FEW);
    }
    return paired(task, common, d.values());
  }

  /** A − B from its per-seed differences on {@code seeds} (at least one), classed by the page's rule. */
  static Comparison paired(String task, List<Long> seeds, List<Double> differences) {
    MeanInterval interval = MeanInterval.of(differences);
    if (seeds.size() < 2) {
      return new Comparison(task, List.copyOf(seeds), false, interval.mean(), null, Side.TOO_FEW);
    }
    Side side = !interval.excludesZero() ? Side.NONE : interval.mean() > 0 ? Side.ABOVE : Side.BELOW;
    return new Comparison(task, List.copyOf(seeds), true, interval.mean(), interval, side);
  }

  /** A − B on every task where both ran, in page order. */
  public static List<Comparison> compareAll(ResultsReport report, String a, String b) {
    return report.tasks().stream().map(t -> compare(report, a, b, t)).filter(c -> c != null).toList();
  }

  /** The section, from "## Reading" to the blank line after it. */
  static String markdown(ResultsReport report) {
    StringBuilder md = new StringBuilder("## Reading\n\n").append(rule());

    List<String> notRun = java.util.Arrays.stream(Method.values()).filter(Method::inPaper).map(m -> m.key)
        .filter(m -> report.tasksOf(m).isEmpty()).toList();
    List<String> missingTasks = SuiteTasks.names().stream().filter(t -> !report.tasks().contains(t)).toList();
    md.append("**Coverage.** ").append(report.tasks().size()).append(" tasks have runs");
    md.append(missingTasks.isEmpty() ? "; every task of the mini-VTAB-1k suite has runs"
        : "; suite tasks not run: " + String.join(", ", missingTasks));
    md.append(notRun.isEmpty() ? ". Every method of Tab. 1 was run."
        : ". Methods of Tab. 1 not run on any task: " + String.join(", ", notRun) + ".");
    md.append(report.tasksOf(PIXELS).isEmpty() ? " The pixels baseline was not run.\n\n" : "\n\n");
    md.append("**Seeds.** ").append(report.seedsLine()).append("\n\n");

    // the floor: does the frozen backbone add anything over the raw pixels, alone and with prompts?
    versus(md, report, "Backbone vs pixels: linear probe − pixels", Method.LINEAR.key, PIXELS, "the linear probe",
        "the pixels baseline", "linear − pixels", "above", "below");
    versus(md, report, "Backbone vs pixels: VPT-Deep − pixels", DEEP, PIXELS, "VPT-Deep", "the pixels baseline",
        "VPT-Deep − pixels", "above", "below");
    versus(md, report, "Transfer: VPT-Deep − linear probe", DEEP, Method.LINEAR.key, "VPT-Deep", "the linear probe",
        "VPT-Deep − linear", "above", "below");
    versus(md, report, "VPT-Shallow vs VPT-Deep", Method.VPT_SHALLOW.key, DEEP, "VPT-Shallow", "VPT-Deep",
        "VPT-Shallow − VPT-Deep", "ahead of", "behind");
    versus(md, report, "PRO-VPT vs VPT-Deep", PRO, DEEP, "PRO-VPT", "VPT-Deep",
        "PRO-VPT − VPT-Deep", "ahead of", "behind");

    for (var e : report.settingsVariants().entrySet()) {
      List<Comparison> cs = compareAll(report, e.getKey(), e.getValue());
      md.append("**").append(e.getKey()).append(" vs ").append(e.getValue()).append(".** ");
      if (cs.isEmpty()) {
        md.append("Not compared: no task has both.\n\n");
        continue;
      }
      md.append(classes(cs, "Above", "below")).append(" ").append(overTasks(cs))
          .append(" Per task: the table \"Settings against the defaults\".\n\n");
    }

    // PRO-VPT against VPT-Deep once more where both ran with the same other settings (more epochs, prompts)
    for (var e : report.settingsVariants().entrySet()) {
      if (!e.getKey().startsWith(PRO + " (") || !e.getValue().equals(PRO)) {
        continue;
      }
      String twin = DEEP + e.getKey().substring(PRO.length());
      List<Comparison> cs = compareAll(report, e.getKey(), twin);
      if (cs.isEmpty()) {
        continue;
      }
      md.append("**").append(e.getKey()).append(" vs ").append(twin).append(".** At the same settings, PRO-VPT ")
          .append(classes(cs, "is ahead of VPT-Deep", "behind")).append(" ").append(overTasks(cs)).append("\n\n");
      table(md, cs, e.getKey() + " − " + twin, "ahead", "behind");
    }
    md.append(PromptCountsSection.reading(report));
    variants(md, report);
    return md.toString();
  }

  /** The paragraph that states the rule, with its t quantiles and smallest p-values computed. */
  private static String rule() {
    return new StringBuilder("Computed from the same runs as the tables below; differences in percentage points. ")
        .append("**The rule.** On a task, A − B is the mean over the seeds both ran of the per-seed differences, with its 95% ")
        .append("confidence interval by Student's t on n − 1 degrees of freedom (n common seeds: ±")
        .append(t(2)).append(" standard errors with 2 seeds, ±").append(t(3)).append(" with 3, ±").append(t(5))
        .append(" with 5). A is *above* (*ahead of*) B only where the whole ")
        .append("interval lies above zero, *below* (*behind*) only where it lies below; otherwise there is *no ")
        .append("detectable difference*, and the interval shows how large a difference the seeds could hide. With ")
        .append("fewer than 2 common seeds there is no interval and no class (the tables say \"no interval\", and the ")
        .append("difference is that of the two means). Over tasks, the per-task differences are tested against zero ")
        .append("by Wilcoxon's signed-rank test and by the sign test, both exact and two-sided (a difference that is ")
        .append("0.00 to 9 decimals is dropped as a zero; tied sizes share their average rank, and the signed-rank ")
        .append("p-value is exact for those ranks); \"detectable over tasks\" means p < 0.05 by the signed-rank test. ")
        .append("With n tasks no outcome can give either test a p below 2/2^n: ").append(smallestP(3))
        .append(" with 3 tasks, ").append(smallestP(5)).append(" with 5, ").append(smallestP(9)).append(" with 9. ")
        .append("Mean ± std over tasks is the mean and sample std of the per-task differences.\n\n").toString();
  }

  /** The rows of [PRO-VPT] Tab. 3 against VPT-Deep: a summary table and the per-task intervals. */
  private static void variants(StringBuilder md, ResultsReport report) {
    md.append("**PRO-VPT's variants − VPT-Deep (the rows of Tab. 3).** ");
    List<String> variants = report.proVptConfigurations().stream().filter(c -> !c.equals(PRO)).toList();
    if (variants.isEmpty()) {
      md.append("Not run: no PRO-VPT variant other than the default.\n\n");
      return;
    }
    md.append("Each configuration against VPT-Deep on the tasks where both ran, by the same rule; the next table ")
        .append("gives each task's difference with its interval and n, the seeds both ran (a variant with fewer ")
        .append("seeds than VPT-Deep is paired on its own).\n\n")
        .append("| configuration | tasks | mean ± std over tasks | signed-rank p | sign p | ahead | behind ")
        .append("| no detectable difference | not classed |\n|---|---|---|---|---|---|---|---|---|\n");
    List<String> rows = report.proVptConfigurations();
    List<String> tasks = new ArrayList<>();
    for (String c : rows) {
      List<Comparison> cs = compareAll(report, c, DEEP);
      cs.stream().map(Comparison::task).filter(t -> !tasks.contains(t)).forEach(tasks::add);
      List<String> alone = new ArrayList<>(report.tasksOf(c).stream()
          .filter(t -> report.accuracy(DEEP, t) == null).map(t -> t + " (VPT-Deep not run)").toList());
      cs.stream().filter(x -> x.side() == Side.TOO_FEW).forEach(x -> alone.add(x.task() + " (< 2 common seeds)"));
      md.append("| ").append(c.equals(PRO) ? PRO + " (default)" : c).append(" | ").append(cs.size()).append(" | ");
      if (cs.isEmpty()) {
        md.append("— | — | — | — | — | — |");
      } else {
        OverTasks o = OverTasks.of(cs);
        md.append(meanStd(cs)).append(" | ").append(p(o.wilcoxon().p())).append(" | ").append(p(o.sign().p()))
            .append(" | ").append(names(cs, Side.ABOVE)).append(" | ").append(names(cs, Side.BELOW)).append(" | ")
            .append(names(cs, Side.NONE)).append(" |");
      }
      md.append(" ").append(alone.isEmpty() ? "—" : String.join(", ", alone)).append(" |\n");
    }
    List<String> ordered = report.tasks().stream().filter(tasks::contains).toList();
    md.append("\n| configuration − VPT-Deep |");
    ordered.forEach(t -> md.append(" ").append(t).append(" |"));
    md.append("\n|---|").append("---|".repeat(ordered.size())).append("\n");
    for (String c : rows) {
      md.append("| ").append(c.equals(PRO) ? PRO + " (default)" : c).append(" |");
      for (String t : ordered) {
        Comparison x = compare(report, c, DEEP, t);
        md.append(" ").append(x == null ? "—" : ResultsReport.signed(x.difference())
            + (x.paired() ? " " + interval(x) : " (means)") + " n = " + x.seeds().size()).append(" |");
      }
      md.append("\n");
    }
    md.append("\n");
  }

  /** One paragraph of A − B (per-task classes, the tests over tasks, the group means) and its table. */
  private static void versus(StringBuilder md, ResultsReport report, String title, String a, String b, String nameA,
      String nameB, String label, String above, String below) {
    md.append("**").append(title).append(".** ");
    List<Comparison> cs = compareAll(report, a, b);
    if (cs.isEmpty()) {
      md.append(notRunLine(report, a, b, nameA, nameB)).append("\n\n");
      return;
    }
    md.append("Per task, ").append(nameA).append(" is ").append(classes(cs, above + " " + nameB, below)).append(" ")
        .append(overTasks(cs)).append(groups(report, cs)).append(missingLine(report, a, b, nameA, nameB))
        .append("\n\n");
    table(md, cs, label, above.replace(" of", ""), below);
  }

  /** "above X on k of n tasks (…); below on k (…); no detectable difference on k (…)[; no interval on k (…)]." */
  static String classes(List<Comparison> cs, String above, String below) {
    StringBuilder s = new StringBuilder(above).append(" on ").append(count(cs, Side.ABOVE)).append(" of ")
        .append(cs.size()).append(cs.size() == 1 ? " task" : " tasks").append(list(cs, Side.ABOVE)).append("; ")
        .append(below).append(" on ").append(count(cs, Side.BELOW)).append(list(cs, Side.BELOW))
        .append("; no detectable difference on ").append(count(cs, Side.NONE)).append(list(cs, Side.NONE));
    if (count(cs, Side.TOO_FEW) > 0) {
      s.append("; no interval (fewer than 2 common seeds) on ").append(count(cs, Side.TOO_FEW))
          .append(list(cs, Side.TOO_FEW));
    }
    return s.append(".").toString();
  }

  /** "Over the n tasks: mean m ± s; Wilcoxon signed-rank p = …, sign test p = …: (no) detectable difference …". */
  static String overTasks(List<Comparison> cs) {
    OverTasks o = OverTasks.of(cs);
    SignedRankTest.Result w = o.wilcoxon();
    SignTest.Result s = o.sign();
    StringBuilder text = new StringBuilder("Over the ").append(cs.size()).append(cs.size() == 1 ? " task" : " tasks")
        .append(": mean difference ").append(meanStd(cs)).append("; Wilcoxon signed-rank p = ").append(p(w.p()))
        .append(" (W+ = ").append(number(w.wPlus())).append(", W− = ").append(number(w.wMinus()))
        .append(w.zeros() > 0 ? ", " + w.zeros() + " zero" + (w.zeros() == 1 ? "" : "s") + " dropped" : "")
        .append("), sign test p = ").append(p(s.p())).append(" (").append(s.positive()).append(" positive, ")
        .append(s.negative()).append(" negative): ");
    text.append(w.p() < ALPHA ? "a detectable difference over tasks at the 5% level."
        : "no detectable difference over tasks at the 5% level"
            + (2 / Math.pow(2, w.n()) >= ALPHA ? " (none could be, with " + w.n() + " non-zero difference"
            + (w.n() == 1 ? ")." : "s).") : "."));
    return text.toString();
  }

  private static void table(StringBuilder md, List<Comparison> cs, String label, String above, String below) {
    md.append("| task | group | common seeds | ").append(label).append(" | 95% interval | class |\n")
        .append("|---|---|---|---|---|---|\n");
    for (Comparison c : cs) {
      md.append("| ").append(c.task()).append(" | ").append(RunResult.groupOf(c.task())).append(" | ")
          .append(c.seeds().size()).append(" | ").append(ResultsReport.signed(c.difference()))
          .append(c.paired() ? "" : " (means)").append(" | ").append(interval(c)).append(" | ")
          .append(c.side().word(above, below)).append(" |\n");
    }
    md.append("\n");
  }

  /** "[−1.20, +3.40]" in percentage points; "—" without an interval. */
  static String interval(Comparison c) {
    return c.interval() == null ? "—"
        : "[" + ResultsReport.signed(c.interval().low()) + ", " + ResultsReport.signed(c.interval().high()) + "]";
  }

  /** "; natural: +x ± s (k tasks); …" per group. */
  private static String groups(ResultsReport report, List<Comparison> cs) {
    StringBuilder s = new StringBuilder(" By group:");
    String separator = " ";
    for (String g : report.groups()) {
      List<Comparison> in = cs.stream().filter(c -> RunResult.groupOf(c.task()).equals(g)).toList();
      s.append(separator).append(g).append(": ");
      s.append(in.isEmpty() ? "not run" : meanStd(in) + " (" + in.size() + (in.size() == 1 ? " task)" : " tasks)"));
      separator = "; ";
    }
    return s.append(".").toString();
  }

  private static String meanStd(List<Comparison> cs) {
    List<Double> d = cs.stream().map(Comparison::difference).toList();
    return ResultsReport.signed(Moments.mean(d)) + " ± " + pp(Moments.sampleStd(d));
  }

  /** Why no task could be compared. */
  private static String notRunLine(ResultsReport report, String a, String b, String nameA, String nameB) {
    boolean ranA = !report.tasksOf(a).isEmpty();
    boolean ranB = !report.tasksOf(b).isEmpty();
    if (!ranA && !ranB) {
      return "Not run: neither " + nameA + " nor " + nameB + " has runs.";
    }
    if (!ranA || !ranB) {
      return "Not run: " + (ranA ? nameB : nameA) + " has no runs.";
    }
    return "Not run: " + nameA + " and " + nameB + " have no task in common.";
  }

  /** " Not run: X on t1, t2; Y on t3." for tasks where only one of the two ran; "" when none. */
  private static String missingLine(ResultsReport report, String a, String b, String nameA, String nameB) {
    List<String> onlyB = report.tasksOf(b).stream().filter(t -> report.accuracy(a, t) == null).toList();
    List<String> onlyA = report.tasksOf(a).stream().filter(t -> report.accuracy(b, t) == null).toList();
    List<String> parts = new ArrayList<>();
    if (!onlyB.isEmpty()) {
      parts.add(nameA + " on " + String.join(", ", onlyB));
    }
    if (!onlyA.isEmpty()) {
      parts.add(nameB + " on " + String.join(", ", onlyA));
    }
    return parts.isEmpty() ? "" : " Not run, so not compared: " + String.join("; ", parts) + ".";
  }

  private static long count(List<Comparison> cs, Side side) {
    return cs.stream().filter(c -> c.side() == side).count();
  }

  private static String list(List<Comparison> cs, Side side) {
    return count(cs, side) == 0 ? "" : " (" + names(cs, side) + ")";
  }

  private static String names(List<Comparison> cs, Side side) {
    List<String> tasks = cs.stream().filter(c -> c.side() == side).map(Comparison::task).toList();
    return tasks.isEmpty() ? "—" : String.join(", ", tasks);
  }
}
