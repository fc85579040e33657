package dev.provpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.sweep.Sweep;
import dev.provpt.sweep.SweepReport;
import dev.provpt.sweep.scheduler.GridCurves;
import dev.provpt.sweep.scheduler.Scheduler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  private final boolean partial;

  SweepJobs(Sweep sweep, String url) {
    this(sweep, url, false);
  }

  /** {@code partial}: --collect writes what is done, variant by variant, instead of waiting for every final run. */
  SweepJobs(Sweep sweep, String url, boolean partial) {
    this.sweep = sweep;
    this.url = url;
    this.partial = partial;
  }

  /** The files of a final run that --collect copies (what provpt report reads; no checkpoints, no event files). */
  static final List<String> COPIED = List.of("summary.json", "metrics.jsonl", "config.conf");

  int run(boolean submit, Path configs, Path reportDirectory) throws Exception {
    Map<String, JsonNode> jobs = jobs();
    List<Sweep.RunSpec> grid = sweep.gridRuns();
    if (submit) {
      int added = 0;
      for (Sweep.RunSpec spec : grid) {
        added += submit(spec);
      }
      List<Map<String, Object>> rows = rows(grid, jobs);
      if (rows != null) {
        Map<String, Object> best = best(rows, ashaSection(rows));
        List<Sweep.RunSpec> finals = sweep.finalRuns(((Number) best.get("base_lr")).doubleValue(),
            ((Number) best.get("weight_decay")).doubleValue());
        for (Sweep.RunSpec spec : finals) {
          added += submit(spec);
        }
        System.out.println("sweep " + sweep.id() + ": grid done, best " + best.get("run") + "; " + added
            + " job(s) added" + (sweep.variants().isEmpty() ? "" : " (" + sweep.variants().size() + " variant(s), "
            + finals.size() + " final run(s): " + String.join(", ", sweep.variants().stream()
                .map(v -> v.name() + " x " + v.seeds().size()).toList()) + ")"));
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
    Map<String, Object> asha = ashaSection(gridRows);
    Map<String, Object> best = best(gridRows, asha);
    List<Sweep.RunSpec> finals = sweep.finalRuns(((Number) best.get("base_lr")).doubleValue(),
        ((Number) best.get("weight_decay")).doubleValue());
    List<Map<String, Object>> finalRows = rows(finals, jobs);
    List<Sweep.RunSpec> allFinals = finals;
    if (finalRows == null && partial) {
      finals = doneVariants(finals, jobs);
      finalRows = finals.isEmpty() ? null : rows(finals, jobs);
    }
    if (finalRows == null) {
      throw new IllegalArgumentException("sweep " + sweep.id() + ": the final runs are not done yet ("
          + states(allFinals, jobs) + "); provpt sweep --submit queues them once the grid is done");
    }
    Map<String, Object> evidence = new java.util.LinkedHashMap<>();
    if (asha != null) {
      evidence.put("asha", asha);
    }
    evidence.put(GridCurves.KEY, curves(grid, jobs));
    Map<String, Object> report = SweepReport.write(sweep, reportDirectory, gridRows, finalRows, best, evidence);
    for (Sweep.RunSpec spec : finals) {
      copyFiles(jobs.get(sweep.key(spec)), reportDirectory.resolve(spec.name()));
    }
    Path configDirectory = configs != null ? configs : reportDirectory.resolve("configs");
    List<Path> written = new dev.provpt.sweep.ReadyConfigs(sweep).write(configDirectory, best);
    Files.writeString(reportDirectory.resolve("commands.txt"), commands(reportDirectory, configDirectory, finals,
        jobs));
    SweepCommand.printReport(report, reportDirectory.resolve("report.md"));
    System.out.println("experiment files: " + written);
    return 0;
  }

  /**
   * The final runs of the variants whose every seed (each variant's own) is done (--partial: results committed as
   * they arrive); a sweep without variants counts as one.
   */
  private List<Sweep.RunSpec> doneVariants(List<Sweep.RunSpec> finals, Map<String, JsonNode> jobs) {
    Map<String, List<Sweep.RunSpec>> byVariant = new java.util.LinkedHashMap<>();
    for (Sweep.RunSpec spec : finals) {
      byVariant.computeIfAbsent(String.valueOf(spec.variant()), v -> new ArrayList<>()).add(spec);
    }
    List<Sweep.RunSpec> done = new ArrayList<>();
    for (List<Sweep.RunSpec> specs : byVariant.values()) {
      if (specs.stream().allMatch(spec -> done(spec, jobs))) {
        done.addAll(specs);
      }
    }
    return done;
  }

  /** The grid jobs' per-epoch curves, from their metrics.jsonl, in grid order (report.json keeps them). */
  private List<Map<String, Object>> curves(List<Sweep.RunSpec> grid, Map<String, JsonNode> jobs) throws Exception {
    List<Map<String, Object>> curves = new ArrayList<>();
    for (Sweep.RunSpec spec : grid) {
      String metrics = DaemonCommands.request(url, "GET", "/jobs/" + jobs.get(sweep.key(spec)).get("id").asLong()
          + "/files/" + dev.provpt.rundir.RunDirectory.METRICS, null);
      curves.add(GridCurves.parse(spec.name(), metrics).toJson());
    }
    return curves;
  }

  /** Copies a finished job's small files (COPIED) through the API into {@code directory}. */
  private void copyFiles(JsonNode job, Path directory) throws Exception {
    Files.createDirectories(directory);
    for (String name : COPIED) {
      String text = DaemonCommands.request(url, "GET", "/jobs/" + job.get("id").asLong() + "/files/" + name, null);
      Files.writeString(directory.resolve(name), text);
    }
  }

  /** commands.txt: how the runs in the report's directory were made, and how to make each again. */
  private String commands(Path reportDirectory, Path configDirectory, List<Sweep.RunSpec> finals,
      Map<String, JsonNode> jobs) {
    String where = url != null ? " --url " + url : "";
    StringBuilder c = new StringBuilder();
    c.append("# sweep ").append(sweep.id()).append(": grid and final runs as jobs on a provpt daemon").append(where.isEmpty()
        ? "" : " (" + url + ")").append("\n");
    c.append("# queue the grid; once it is done, the same command queues the final runs with its best setting\n");
    c.append(sweep.command("sweep")).append(" --submit").append(where).append("\n");
    c.append("# then this directory and the experiment files were written by\n");
    c.append(sweep.command("sweep")).append(" --collect").append(partial ? " --partial" : "").append(where)
        .append(" --out ").append(reportDirectory)
        .append(" --configs ").append(configDirectory).append("\n");
    c.append("# each final run (directory: job) again, locally, without the search:\n");
    for (Sweep.RunSpec spec : finals) {
      long seed = Long.parseLong(spec.name().substring(spec.name().lastIndexOf("seed") + 4));
      c.append("./provpt run -c ").append(configDirectory.resolve(new dev.provpt.sweep.ReadyConfigs(sweep).name(spec) + ".conf"))
          .append(" --set seed=").append(seed).append("   # ").append(spec.name()).append(": job ")
          .append(jobs.get(sweep.key(spec)).get("id").asLong()).append(", key ").append(sweep.key(spec)).append("\n");
    }
    return c.toString();
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
      if (!done(spec, jobs)) {
        return null;
      }
      JsonNode job = jobs.get(sweep.key(spec));
      @SuppressWarnings("unchecked")
      Map<String, Object> summary = JSON.readValue(DaemonCommands.request(url, "GET", "/jobs/" + job.get("id").asLong()
          + "/files/summary.json", null), Map.class);
      ExperimentSettings settings = ExperimentSettings.from(ConfigLoader.parse(sweep.jobText(spec), spec.name(),
          List.of()));
      rows.add(Sweep.row(spec, settings, summary));
    }
    return rows;
  }

  /**
   * Whether {@code spec}'s job exists and is done; under ASHA ({@code provpt.sweep.scheduler = asha}) a grid point
   * stopped at a rung is finished too.
   */
  private boolean done(Sweep.RunSpec spec, Map<String, JsonNode> jobs) {
    JsonNode job = jobs.get(sweep.key(spec));
    if (job == null) {
      return false;
    }
    String state = job.get("state").asText();
    return state.equals("done") || (state.equals("stopped") && sweep.scheduler() == Scheduler.ASHA
        && sweep.gridRuns().contains(spec));
  }

  /**
   * Under ASHA, the daemon's section of the sweep (GET /status/sweeps/ID: settings, pick, epochs, decisions), with
   * each grid row given its last rung's epoch ({@code epochs}) and how ASHA left it ({@code asha}: done, or stopped
   * and why); null for a grid sweep.
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> ashaSection(List<Map<String, Object>> gridRows) throws Exception {
    if (sweep.scheduler() != Scheduler.ASHA) {
      return null;
    }
    Map<String, Object> status = JSON.readValue(DaemonCommands.request(url, "GET", "/status/sweeps/" + sweep.id(),
        null), Map.class);
    Map<String, Object> section = (Map<String, Object>) status.get("asha");
    if (section == null) {
      throw new IllegalStateException("sweep " + sweep.id() + " is set to " + Scheduler.KEY + " = asha but the daemon "
          + "at " + url + " scheduled its grid without ASHA (a provpt daemon older than ASHA on the daemon?)");
    }
    Map<String, Map<String, Object>> byRun = new HashMap<>();
    for (Map<String, Object> run : (List<Map<String, Object>>) status.get("runs")) {
      byRun.put(String.valueOf(run.get("run")), run);
    }
    for (Map<String, Object> row : gridRows) {
      Map<String, Object> run = byRun.get(String.valueOf(row.get("run")));
      row.put("epochs", run.get("asha_epochs"));
      row.put("asha", (run.get("asha_state").equals("done") ? "done, " : "stopped at rung " + run.get("rung") + ": ")
          + run.get("asha_why"));
    }
    return section;
  }

  /** The grid's choice: the best val accuracy, or under ASHA its pick (the best at the highest rung reached). */
  private static Map<String, Object> best(List<Map<String, Object>> gridRows, Map<String, Object> asha) {
    if (asha == null) {
      return Sweep.best(gridRows);
    }
    return gridRows.stream().filter(r -> r.get("run").equals(asha.get("pick"))).findFirst().orElseThrow(
        () -> new IllegalStateException("ASHA's pick " + asha.get("pick") + " is not a grid point of the sweep"));
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
