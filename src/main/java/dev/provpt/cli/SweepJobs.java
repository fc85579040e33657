package dev.provpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.sweep.Sweep;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code provpt sweep --submit} and {@code --collect}: a sweep as keyed jobs on a daemon (one node
 * or a cluster). Each run is queued under {@code sweep-<id>/<run>}, so submitting again adds
 * nothing; the final runs are queued once every grid job is done, with the grid's best setting.
 */
final class SweepJobs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Sweep sweep;
  private final String url;

  SweepJobs(Sweep sweep, String url) {
    this.sweep = sweep;
    this.url = url;
  }

  int run(boolean submit, Path reportDirectory) throws Exception {
    Map<String, JsonNode> jobs = jobs();
    List<Sweep.RunSpec> grid = sweep.gridRuns();
    if (submit) {
      int added = 0;
      for (Sweep.RunSpec spec : grid) {
        added += submit(spec);
      }
      List<Map<String, Object>> rows = rows(grid, jobs);
      if (rows != null) {
        Map<String, Object> best = Sweep.best(rows);
        for (Sweep.RunSpec spec : sweep.finalRuns(((Number) best.get("base_lr")).doubleValue(),
            ((Number) best.get("weight_decay")).doubleValue())) {
          added += submit(spec);
        }
        System.out.println("sweep " + sweep.id() + ": grid done, best " + best.get("run") + "; " + added
            + " job(s) added");
      } else {
        System.out.println("sweep " + sweep.id() + ": " + added + " job(s) added; submit again once the grid is done "
            + "to queue the final runs");
      }
      return 0;
    }
    List<Map<String, Object>> gridRows = rows(grid, jobs);
    if (gridRows == null) {
      throw new IllegalArgumentException("sweep " + sweep.id() + ": the grid is not done yet (" + states(grid, jobs)
          + ")");
    }
    Map<String, Object> best = Sweep.best(gridRows);
    List<Sweep.RunSpec> finals = sweep.finalRuns(((Number) best.get("base_lr")).doubleValue(),
        ((Number) best.get("weight_decay")).doubleValue());
    List<Map<String, Object>> finalRows = rows(finals, jobs);
    if (finalRows == null) {
      throw new IllegalArgumentException("sweep " + sweep.id() + ": the final runs are not done yet ("
          + states(finals, jobs) + "); provpt sweep --submit queues them once the grid is done");
    }
    Map<String, Object> report = sweep.report(reportDirectory, gridRows, finalRows);
    System.out.printf("chosen %s: test acc %.4f ± %.4f over seeds %s -> %s%n", report.get("chosen"),
        (Double) report.get("test_acc_mean"), (Double) report.get("test_acc_std"), report.get("seeds"),
        reportDirectory.resolve("report.md"));
    return 0;
  }

  private int submit(Sweep.RunSpec spec) throws Exception {
    String answer = DaemonCommands.request(url, "POST", "/jobs?key=" + URLEncoder.encode(sweep.key(spec),
        StandardCharsets.UTF_8), sweep.jobText(spec));
    return JSON.readTree(answer).get("added").asBoolean() ? 1 : 0;
  }

  /** This sweep's jobs by key. */
  private Map<String, JsonNode> jobs() throws Exception {
    String prefix = "sweep-" + sweep.id() + "/";
    Map<String, JsonNode> byKey = new HashMap<>();
    for (JsonNode job : JSON.readTree(DaemonCommands.request(url, "GET", "/jobs?key-prefix="
        + URLEncoder.encode(prefix, StandardCharsets.UTF_8), null))) {
      byKey.put(job.get("key").asText(), job);
    }
    return byKey;
  }

  /** The report rows of {@code specs}, read from their jobs' summaries; null unless every one is done. */
  private List<Map<String, Object>> rows(List<Sweep.RunSpec> specs, Map<String, JsonNode> jobs) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Sweep.RunSpec spec : specs) {
      JsonNode job = jobs.get(sweep.key(spec));
      if (job == null || !job.get("state").asText().equals("done")) {
        return null;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> summary = JSON.readValue(DaemonCommands.request(url, "GET", "/jobs/" + job.get("id").asLong()
          + "/files/summary.json", null), Map.class);
      ExperimentSettings settings = ExperimentSettings.from(ConfigLoader.parse(sweep.jobText(spec), spec.name(),
          List.of()));
      rows.add(Sweep.row(spec.name(), settings, summary));
    }
    return rows;
  }

  private String states(List<Sweep.RunSpec> specs, Map<String, JsonNode> jobs) {
    Map<String, Integer> count = new java.util.TreeMap<>();
    for (Sweep.RunSpec spec : specs) {
      JsonNode job = jobs.get(sweep.key(spec));
      count.merge(job == null ? "not submitted" : job.get("state").asText(), 1, Integer::sum);
    }
    return count.toString();
  }
}
