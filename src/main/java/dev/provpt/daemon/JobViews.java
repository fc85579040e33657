package dev.provpt.daemon;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The read-only views the status pages draw: every job with its setup, timing and accuracies; one
 * job with its experiment text, curves, prompt distribution and events; the sweeps (jobs queued
 * under {@code sweep-<id>/<run>} keys) and their runs. Everything comes from the job store and the
 * run directories; nothing is written.
 */
final class JobViews {
  /** The key prefix of a sweep's jobs ({@code provpt sweep --submit}): {@code sweep-<id>/<run>}. */
  static final String SWEEP_PREFIX = "sweep-";

  private final JobStore store;
  private final Function<JobStore.Job, Path> runDirectory;
  private final Clock clock;

  JobViews(JobStore store, Function<JobStore.Job, Path> runDirectory, Clock clock) {
    this.store = store;
    this.runDirectory = runDirectory;
    this.clock = clock;
  }

  /** Every job, as {@link #row} shows it. */
  List<Map<String, Object>> rows() {
    return store.list().stream().map(this::row).toList();
  }

  /**
   * One job as the job table shows it: GET /jobs/N's fields, then its setup (method, task,
   * backbone, base_lr, weight_decay, seed), test_acc, val_curve (val accuracy per epoch),
   * elapsed_s (since its first claim), eta_s (epochs left × their mean duration, while it runs),
   * mean_epoch_s, and sweep / run when it belongs to a sweep.
   */
  Map<String, Object> row(JobStore.Job job) {
    // a job never claimed (fence 0) has only its submission to tell: no query for it
    JobTimeline timeline = new JobTimeline(job.fence() == 0 ? List.of() : store.events(job.id()));
    return row(job, timeline, RunFiles.of(runDirectory.apply(job)));
  }

  private Map<String, Object> row(JobStore.Job job, JobTimeline timeline, RunFiles files) {
    Map<String, Object> m = job.toMap();
    m.putAll(JobSetup.of(job.config()).toMap());
    m.put("test_acc", files.testAccuracy());
    m.put("val_curve", files.epochs().stream().map(e -> Double.isFinite(e.valAccuracy()) ? e.valAccuracy() : null)
        .toList());
    m.put("elapsed_s", timeline.elapsedSeconds(job.state(), clock.instant()));
    Double mean = files.meanEpochSeconds();
    m.put("mean_epoch_s", mean);
    m.put("eta_s", JobStore.RUNNING.equals(job.state()) && mean != null
        ? Math.max(0, job.epochs() - files.lastEpoch()) * mean : null);
    m.put("takeovers", timeline.takeovers());
    sweepOf(job).ifPresent(key -> {
      m.put("sweep", key[0]);
      m.put("run", key[1]);
    });
    return m;
  }

  /** One job: its row, then config (the experiment text as submitted), curves, distribution, summary and events. */
  Optional<Map<String, Object>> details(long id) {
    return store.get(id).map(job -> {
      JobTimeline timeline = new JobTimeline(store.events(id));
      RunFiles files = RunFiles.of(runDirectory.apply(job));
      Map<String, Object> m = row(job, timeline, files);
      m.put("config", job.config());
      m.put("curves", files.curves());
      m.put("distribution", files.distribution());
      m.put("summary", files.summary());
      m.put("events", timeline.entries());
      return m;
    });
  }

  /** The sweep id and run name of a sweep's job, from its key. */
  static Optional<String[]> sweepOf(JobStore.Job job) {
    String key = job.submitKey();
    if (key == null || !key.startsWith(SWEEP_PREFIX) || key.indexOf('/') < 0) {
      return Optional.empty();
    }
    int slash = key.indexOf('/');
    return Optional.of(new String[] {key.substring(SWEEP_PREFIX.length(), slash), key.substring(slash + 1)});
  }

  /** A grid point's run is named grid-lr…-wd…; every other run of a sweep is a final run. */
  static String phase(String run) {
    return run.startsWith("grid-") ? "grid" : "final";
  }

  /** Every sweep: id, its method, task and backbone (its first job's), jobs per state, grid points and final runs. */
  List<Map<String, Object>> sweeps() {
    Map<String, List<JobStore.Job>> bySweep = new TreeMap<>();
    for (JobStore.Job job : store.withKeyPrefix(SWEEP_PREFIX)) {
      sweepOf(job).ifPresent(key -> bySweep.computeIfAbsent(key[0], k -> new ArrayList<>()).add(job));
    }
    List<Map<String, Object>> sweeps = new ArrayList<>();
    bySweep.forEach((id, jobs) -> sweeps.add(sweepSummary(id, jobs)));
    return sweeps;
  }

  private static Map<String, Object> sweepSummary(String id, List<JobStore.Job> jobs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    JobSetup setup = JobSetup.of(jobs.get(0).config());
    m.put("method", setup.method());
    m.put("task", setup.task());
    m.put("backbone", setup.backbone());
    Map<String, Integer> states = new TreeMap<>();
    int grid = 0;
    Map<String, Object> best = null;
    for (JobStore.Job job : jobs) {
      states.merge(job.state(), 1, Integer::sum);
      String run = sweepOf(job).orElseThrow()[1];
      if (phase(run).equals("grid")) {
        grid++;
        if (job.bestVal() != null && (best == null || job.bestVal() > (Double) best.get("best_val_acc"))) {
          best = new LinkedHashMap<>(Map.of("run", run, "id", job.id(), "best_val_acc", job.bestVal()));
        }
      }
    }
    m.put("jobs", jobs.size());
    m.put("states", states);
    m.put("grid_runs", grid);
    m.put("final_runs", jobs.size() - grid);
    m.put("best_grid_run", best);
    return m;
  }

  /** One sweep: its summary and its runs (grid points first, then final runs), each a job row; empty when unknown. */
  Optional<Map<String, Object>> sweep(String id) {
    List<JobStore.Job> jobs = store.withKeyPrefix(SWEEP_PREFIX + id + "/");
    if (jobs.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Object> m = sweepSummary(id, jobs);
    List<Map<String, Object>> runs = new ArrayList<>();
    List<JobStore.Job> grid = new ArrayList<>();
    for (String phase : List.of("grid", "final")) {
      for (JobStore.Job job : jobs) {
        if (phase(sweepOf(job).orElseThrow()[1]).equals(phase)) {
          Map<String, Object> row = row(job);
          row.put("phase", phase);
          runs.add(row);
          if (phase.equals("grid")) {
            grid.add(job);
          }
        }
      }
    }
    m.put("runs", runs);
    // a grid queued with provpt.sweep.scheduler = asha: its rungs and decisions, from the store's rows
    Optional<Map<String, Object>> asha = AshaViews.annotate(store, SWEEP_PREFIX + id + "/", grid,
        runs.subList(0, grid.size()));
    m.put("scheduler", asha.isPresent() ? "asha" : "grid");
    asha.ifPresent(section -> m.put("asha", section));
    return Optional.of(m);
  }
}
