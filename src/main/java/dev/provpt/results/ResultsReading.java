package dev.provpt.results;

import dev.provpt.data.suite.SuiteTasks;
import dev.provpt.method.Method;
import dev.provpt.stats.Moments;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The "Reading" section of the results page: what the tables say, computed from the same runs (no number in it
 * is typed). Each comparison A − B on a task is classed above, below or within the seed spread by one rule,
 * stated on the page: with at least two seeds both ran, the mean of the per-seed differences against the sample
 * std of those differences; otherwise the difference of the means against the larger of the two methods' stds.
 */
public final class ResultsReading {
  /** Where A stands against B on a task. */
  public enum Side {
    ABOVE, BELOW, WITHIN;

    String word(String above, String below) {
      return this == ABOVE ? above : this == BELOW ? below : "within";
    }
  }

  /**
   * A − B on one task.
   *
   * @param seeds the seeds both ran
   * @param paired whether the difference is paired by seed (at least two common seeds)
   * @param difference the mean paired difference, or the difference of the means when not paired
   * @param spread the sample std of the paired differences, or the larger of the two methods' stds
   */
  public record Comparison(String task, List<Long> seeds, boolean paired, double difference, double spread,
      Side side) {}

  private static final String PRO = Method.PRO_VPT.key;
  private static final String DEEP = Method.VPT_DEEP.key;

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
    boolean paired = common.size() >= 2;
    double difference;
    double spread;
    if (paired) {
      difference = d.mean();
      spread = d.std();
    } else {
      difference = sa.mean() - sb.mean();
      spread = Math.max(sa.std(), sb.std());
    }
    Side side = difference > spread ? Side.ABOVE : difference < -spread ? Side.BELOW : Side.WITHIN;
    return new Comparison(task, common, paired, difference, spread, side);
  }

  /** A − B on every task where both ran, in page order. */
  public static List<Comparison> compareAll(ResultsReport report, String a, String b) {
    return report.tasks().stream().map(t -> compare(report, a, b, t)).filter(c -> c != null).toList();
  }

  /** The section, from "## Reading" to the blank line after it. */
  static String markdown(ResultsReport report) {
    StringBuilder md = new StringBuilder("## Reading\n\n");
    md.append("Computed from the same runs as the tables below; differences in percentage points. **The rule.** ")
        .append("On a task, method A is *above* method B by more than the seed spread when A and B have at least ")
        .append("2 seeds in common and the mean of the per-seed differences A − B exceeds the sample standard ")
        .append("deviation of those differences; *below* when it is less than minus that std; otherwise *within* the ")
        .append("spread. With fewer than 2 common seeds the difference of the two means is compared, the same way, ")
        .append("with the larger of the two methods' sample stds (with one seed each that spread is 0 and the sign ")
        .append("alone decides; the tables say \"means\" there). Over tasks, mean ± std is the mean and sample std ")
        .append("of the per-task differences.\n\n");

    List<String> notRun = java.util.Arrays.stream(Method.values()).filter(Method::inPaper).map(m -> m.key)
        .filter(m -> report.tasksOf(m).isEmpty()).toList();
    List<String> missingTasks = SuiteTasks.names().stream().filter(t -> !report.tasks().contains(t)).toList();
    md.append("**Coverage.** ").append(report.tasks().size()).append(" tasks have runs");
    md.append(missingTasks.isEmpty() ? "; every task of the mini-VTAB-1k suite has runs"
        : "; suite tasks not run: " + String.join(", ", missingTasks));
    md.append(notRun.isEmpty() ? ". Every method of Tab. 1 was run.\n\n"
        : ". Methods of Tab. 1 not run on any task: " + String.join(", ", notRun) + ".\n\n");

    versus(md, report, "Transfer: VPT-Deep − linear probe", DEEP, Method.LINEAR.key, "VPT-Deep", "the linear probe",
        "VPT-Deep is above the linear probe by more than the seed spread on ", "; below it by more than the spread on ",
        "VPT-Deep − linear", "above", "below");
    versus(md, report, "VPT-Shallow vs VPT-Deep", Method.VPT_SHALLOW.key, DEEP, "VPT-Shallow", "VPT-Deep",
        "VPT-Shallow is ahead of VPT-Deep by more than the spread on ", "; behind by more than the spread on ",
        "VPT-Shallow − VPT-Deep", "ahead", "behind");
    versus(md, report, "PRO-VPT vs VPT-Deep", PRO, DEEP, "PRO-VPT", "VPT-Deep",
        "PRO-VPT is ahead of VPT-Deep by more than the spread on ", "; behind by more than the spread on ",
        "PRO-VPT − VPT-Deep", "ahead", "behind");

    for (var e : report.settingsVariants().entrySet()) {
      List<Comparison> cs = compareAll(report, e.getKey(), e.getValue());
      md.append("**").append(e.getKey()).append(" vs ").append(e.getValue()).append(".** ");
      if (cs.isEmpty()) {
        md.append("Not compared: no task has both.\n\n");
        continue;
      }
      md.append("Above by more than the spread on ").append(count(cs, Side.ABOVE)).append(" of ").append(cs.size())
          .append(cs.size() == 1 ? " task" : " tasks").append(list(cs, Side.ABOVE)).append("; below on ")
          .append(count(cs, Side.BELOW)).append(list(cs, Side.BELOW)).append("; within on ")
          .append(count(cs, Side.WITHIN)).append(list(cs, Side.WITHIN)).append(". Mean difference over the tasks: ")
          .append(meanStd(cs)).append(" (the table \"Settings against the defaults\").\n\n");
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
      md.append("**").append(e.getKey()).append(" vs ").append(twin).append(".** PRO-VPT ahead of VPT-Deep at the ")
          .append("same settings by more than the spread on ").append(count(cs, Side.ABOVE)).append(" of ")
          .append(cs.size()).append(cs.size() == 1 ? " task" : " tasks").append(list(cs, Side.ABOVE))
          .append("; behind on ").append(count(cs, Side.BELOW)).append(list(cs, Side.BELOW)).append("; within on ")
          .append(count(cs, Side.WITHIN)).append(list(cs, Side.WITHIN)).append(". Mean difference over the tasks: ")
          .append(meanStd(cs)).append(".\n\n");
      table(md, report, cs, e.getKey() + " − " + twin, "ahead", "behind");
    }

    md.append("**PRO-VPT's variants − VPT-Deep (the rows of Tab. 3).** ");
    List<String> variants = report.proVptConfigurations().stream().filter(c -> !c.equals(PRO)).toList();
    if (variants.isEmpty()) {
      md.append("Not run: no PRO-VPT variant other than the default.\n\n");
      return md.toString();
    }
    md.append("Each configuration against VPT-Deep on the tasks where both ran, by the same rule.\n\n")
        .append("| configuration | tasks | mean ± std over tasks | ahead | behind | within | not compared |\n")
        .append("|---|---|---|---|---|---|---|\n");
    List<String> rows = new ArrayList<>(report.proVptConfigurations());
    for (String c : rows) {
      List<Comparison> cs = compareAll(report, c, DEEP);
      List<String> alone = report.tasksOf(c).stream().filter(t -> report.accuracy(DEEP, t) == null).toList();
      md.append("| ").append(c.equals(PRO) ? PRO + " (default)" : c).append(" | ").append(cs.size()).append(" | ");
      if (cs.isEmpty()) {
        md.append("— | — | — | — |");
      } else {
        md.append(meanStd(cs)).append(" | ").append(names(cs, Side.ABOVE)).append(" | ").append(names(cs, Side.BELOW))
            .append(" | ").append(names(cs, Side.WITHIN)).append(" |");
      }
      md.append(" ").append(alone.isEmpty() ? "—" : String.join(", ", alone) + " (VPT-Deep not run)").append(" |\n");
    }
    md.append("\n");
    return md.toString();
  }

  /**
   * One paragraph of A − B over the tasks (counts and tasks above, below and within the spread, the mean per group,
   * the tasks only one of them ran) and its table; "Not run" with the reason when no task has both.
   */
  private static void versus(StringBuilder md, ResultsReport report, String title, String a, String b, String nameA,
      String nameB, String aboveLead, String belowLead, String label, String above, String below) {
    md.append("**").append(title).append(".** ");
    List<Comparison> cs = compareAll(report, a, b);
    if (cs.isEmpty()) {
      md.append(notRunLine(report, a, b, nameA, nameB)).append("\n\n");
      return;
    }
    md.append(aboveLead).append(count(cs, Side.ABOVE)).append(" of ").append(cs.size()).append(" tasks")
        .append(list(cs, Side.ABOVE)).append(belowLead).append(count(cs, Side.BELOW)).append(list(cs, Side.BELOW))
        .append("; within the spread on ").append(count(cs, Side.WITHIN)).append(list(cs, Side.WITHIN)).append(". ")
        .append(summary(report, cs)).append(missingLine(report, a, b, nameA, nameB)).append("\n\n");
    table(md, report, cs, label, above, below);
  }

  private static void table(StringBuilder md, ResultsReport report, List<Comparison> cs, String label, String above,
      String below) {
    md.append("| task | group | common seeds | ").append(label).append(" | spread | by | class |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Comparison c : cs) {
      md.append("| ").append(c.task()).append(" | ").append(RunResult.groupOf(c.task())).append(" | ")
          .append(c.seeds().size()).append(" | ").append(ResultsReport.signed(c.difference())).append(" | ")
          .append(pp(c.spread())).append(" | ").append(c.paired() ? "paired" : "means").append(" | ")
          .append(c.side().word(above, below)).append(" |\n");
    }
    md.append("\n");
  }

  /** "Mean over the N tasks: +x ± s; natural: … (k tasks); …". */
  private static String summary(ResultsReport report, List<Comparison> cs) {
    StringBuilder s = new StringBuilder("Mean difference over the ").append(cs.size()).append(" tasks: ")
        .append(meanStd(cs));
    for (String g : report.groups()) {
      List<Comparison> in = cs.stream().filter(c -> RunResult.groupOf(c.task()).equals(g)).toList();
      s.append("; ").append(g).append(": ");
      s.append(in.isEmpty() ? "not run" : meanStd(in) + " (" + in.size() + (in.size() == 1 ? " task)" : " tasks)"));
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

  private static String pp(double v) {
    return String.format(Locale.ROOT, "%.2f", 100 * v);
  }
}
