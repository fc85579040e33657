package dev.provpt.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.provpt.audit.IdlenessAudit.CheckpointAudit;
import dev.provpt.audit.IdlenessAudit.EstimatorResult;
import dev.provpt.idleness.Estimator;
import dev.provpt.rundir.ScatterPlot;
import dev.provpt.stats.Moments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audits of several checkpoints (epochs × runs) summarised per epoch and estimator: mean and
 * spread of the rank correlation with the truth, top-1 agreement, how often the pick is a prompt
 * moved recently; written as JSON, a markdown table and one scatter plot per estimator.
 */
public final class AuditReport {
  public static final String JSON_FILE = "idleness-audit.json";
  public static final String MARKDOWN_FILE = "idleness-audit.md";

  /** One estimator at one epoch, over the audited runs. */
  public record Summary(int epoch, String estimator, int runs, Double spearmanMean, Double spearmanStd,
      Double spearmanRestMean, int top1, int picksRecent, int recentPrompts) {}

  private final List<CheckpointAudit> audits;

  public AuditReport(List<CheckpointAudit> audits) {
    this.audits = List.copyOf(audits);
  }

  public List<Summary> summaries() {
    Map<Integer, List<CheckpointAudit>> byEpoch = new TreeMap<>();
    audits.forEach(a -> byEpoch.computeIfAbsent(a.epoch(), e -> new ArrayList<>()).add(a));
    List<Summary> summaries = new ArrayList<>();
    byEpoch.forEach((epoch, atEpoch) -> {
      for (String estimator : estimatorNames()) {
        List<EstimatorResult> results = atEpoch.stream().flatMap(a -> a.estimators().stream()
            .filter(r -> r.estimator().equals(estimator))).toList();
        if (results.isEmpty()) {
          continue;
        }
        double[] all = results.stream().mapToDouble(EstimatorResult::spearman).filter(v -> !Double.isNaN(v)).toArray();
        double[] rest = results.stream().mapToDouble(EstimatorResult::spearmanRest).filter(v -> !Double.isNaN(v))
            .toArray();
        summaries.add(new Summary(epoch, estimator, results.size(), mean(all), std(all), mean(rest),
            (int) results.stream().filter(EstimatorResult::top1).count(),
            (int) results.stream().filter(EstimatorResult::picksRecent).count(),
            atEpoch.stream().mapToInt(CheckpointAudit::recentPrompts).sum()));
      }
    });
    return summaries;
  }

  /** Writes idleness-audit.json, idleness-audit.md and idleness-&lt;estimator&gt;.png into {@code directory}. */
  public List<Path> write(Path directory, String command) throws IOException {
    Files.createDirectories(directory);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", command);
    json.put("summaries", summaries());
    json.put("checkpoints", audits.stream().map(AuditReport::withoutNaN).toList());
    Path jsonFile = directory.resolve(JSON_FILE);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonFile.toFile(), json);
    List<Path> written = new ArrayList<>(List.of(jsonFile));
    Path markdown = directory.resolve(MARKDOWN_FILE);
    Files.writeString(markdown, markdown());
    written.add(markdown);
    for (String estimator : estimatorNames()) {
      written.add(scatter(directory.resolve("idleness-" + estimator.replace(" (online)", "-online") + ".png"),
          estimator));
    }
    return written;
  }

  /** The estimators judged, in the order the audits list them. */
  private List<String> estimatorNames() {
    return audits.stream().flatMap(a -> a.estimators().stream().map(EstimatorResult::estimator)).distinct().toList();
  }

  /** The summary table in markdown. */
  public String markdown() {
    StringBuilder md = new StringBuilder("| epoch | estimator | runs | Spearman, all prompts | Spearman, not moved in "
        + "the last epochs | top-1 agreement | picks a recently moved prompt |\n|---|---|---|---|---|---|---|\n");
    for (Summary s : summaries()) {
      md.append(String.format("| %d | %s | %d | %s | %s | %d/%d | %d/%d |%n", s.epoch(), s.estimator(), s.runs(),
          s.spearmanMean() == null ? "n/a" : String.format("%.2f ± %.2f", s.spearmanMean(), s.spearmanStd()),
          s.spearmanRestMean() == null ? "n/a" : String.format("%.2f", s.spearmanRestMean()),
          s.top1(), s.runs(), s.picksRecent(), s.runs()));
    }
    return md.toString();
  }

  private Path scatter(Path file, String estimator) throws IOException {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    series.put("moved in the last epochs", new ArrayList<>());
    series.put("other prompts", new ArrayList<>());
    for (CheckpointAudit audit : audits) {
      for (IdlenessAudit.PromptRow row : audit.rows()) {
        series.get(row.recent() ? "moved in the last epochs" : "other prompts")
            .add(new double[] {row.truth(), row.estimates().get(estimator)});
      }
    }
    return ScatterPlot.write(file, estimator + " against the true removal effect",
        "leave-one-out: L(all) - L(without the prompt)", estimator + " score", series);
  }

  private static Map<String, Object> withoutNaN(CheckpointAudit audit) {
    Map<String, Object> map = new ObjectMapper().convertValue(audit, Map.class);
    List<Map<String, Object>> estimators = new ArrayList<>();
    for (EstimatorResult r : audit.estimators()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("estimator", r.estimator());
      m.put("spearman", nullIfNaN(r.spearman()));
      m.put("spearman_recent", nullIfNaN(r.spearmanRecent()));
      m.put("spearman_rest", nullIfNaN(r.spearmanRest()));
      m.put("top1", r.top1());
      m.put("picks_recent", r.picksRecent());
      m.put("truth_of_pick", r.truthOfPick());
      estimators.add(m);
    }
    map.put("estimators", estimators);
    return map;
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** Null when no run measured it (a Spearman correlation of constant values is left out). */
  private static Double mean(double[] v) {
    return v.length == 0 ? null : Moments.mean(boxed(v));
  }

  private static Double std(double[] v) {
    return v.length == 0 ? null : Moments.sampleStd(boxed(v));
  }

  private static List<Double> boxed(double[] v) {
    return java.util.Arrays.stream(v).boxed().toList();
  }
}
