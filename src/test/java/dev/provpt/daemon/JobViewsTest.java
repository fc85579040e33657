package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.rundir.EpochRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the status pages are sent: a job store and run directories written by hand, read back as views. */
class JobViewsTest {
  @TempDir
  Path tmp;

  private static String experiment(String... lines) {
    return "provpt {\n  backbone = \"/models/tiny-vit\"\n  train.epochs = 10\n" + String.join("\n", lines) + "\n}\n";
  }

  private static void writeMetrics(Path directory, double... seconds) throws Exception {
    Files.createDirectories(directory);
    StringBuilder lines = new StringBuilder();
    for (int e = 0; e < seconds.length; e++) {
      lines.append(new EpochRecord(e + 1, "pro-vpt", 1.5 - 0.1 * e, 0.4 + 0.1 * e, 1.6, 0.3 + 0.1 * e, null,
          new int[] {2, 2 + e, 2}, null, null, null, null, seconds[e], EpochRecord.emptyPhaseSeconds()).toJson())
          .append('\n');
    }
    Files.writeString(directory.resolve("metrics.jsonl"), lines + "{\"epoch\": 5, \"meth");
  }

  @Test
  void aRunningJobsTimeLeftIsItsEpochsLeftTimesTheirMeanDuration() throws Exception {
    try (JobStore store = new SqliteJobStore(tmp.resolve("jobs.db"))) {
      long id = store.submitOnce("sweep-abc123/grid-lr0.1-wd0.01", "grid", experiment("  method = pro-vpt",
          "  train.base-lr = 0.1", "  train.weight-decay = 0.01", "  data { kind = suite, suite.task = digits }")).id();
      var claim = store.claim("node-a", null).orElseThrow();
      Path run = tmp.resolve("job-" + id);
      store.started(claim, run.toString(), 10);
      store.progress(claim, 4, 0.6);
      writeMetrics(run, 10, 20, 30, 40); // and half a fifth line, still being written
      Clock later = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(100));
      Map<String, Object> row = new JobViews(store, j -> Path.of(j.runDirectory()), later).rows().get(0);
      assertEquals("pro-vpt", row.get("method"));
      assertEquals("digits", row.get("task"));
      assertEquals("tiny-vit", row.get("backbone"));
      assertEquals(0.1, row.get("base_lr"));
      assertEquals(25.0, row.get("mean_epoch_s"));
      assertEquals(6 * 25.0, row.get("eta_s"), "6 epochs left x 25 s");
      double elapsed = (Double) row.get("elapsed_s");
      assertTrue(elapsed >= 100 && elapsed < 130, "since the claim: " + elapsed);
      assertEquals("abc123", row.get("sweep"));
      assertEquals("grid-lr0.1-wd0.01", row.get("run"));
      assertEquals(4, ((List<?>) row.get("val_curve")).size());
      assertNull(row.get("test_acc"), "not done, no test accuracy");
    }
  }

  @Test
  void aJobsEventsNameItsRequeuesAndTakeoversAndItsEndGivesTheTestAccuracy() throws Exception {
    try (JobStore store = new SqliteJobStore(tmp.resolve("jobs.db"))) {
      long id = store.submit("moved", experiment("  method = vpt-deep"));
      var first = store.claim("node-a", null).orElseThrow();
      Path run = tmp.resolve("job-" + id);
      store.started(first, run.toString(), 10);
      assertEquals(JobStore.Requeued.QUEUED, store.requeueFaulted(first, "the disk failed", 5));
      var second = store.claim("node-b", null).orElseThrow();
      store.progress(second, 10, 0.7);
      writeMetrics(run, 1, 1);
      Files.writeString(run.resolve("summary.json"), "{\"test_acc\": 0.625, \"best_val_acc\": 0.7}");
      store.finish(second, JobStore.DONE, null);
      JobViews views = new JobViews(store, j -> Path.of(j.runDirectory()),
          Clock.offset(Clock.systemUTC(), Duration.ofHours(5)));
      Map<String, Object> details = views.details(id).orElseThrow();
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> events = (List<Map<String, Object>>) details.get("events");
      assertEquals(List.of("submitted", "claimed", "requeued", "taken over", "done"),
          events.stream().map(e -> e.get("kind")).toList());
      assertEquals("the disk failed", events.get(2).get("cause"));
      assertEquals("node-b", events.get(3).get("node"));
      assertEquals(1L, details.get("takeovers"));
      assertEquals(0.625, details.get("test_acc"));
      assertNull(details.get("eta_s"), "done: no time left");
      assertTrue((Double) details.get("elapsed_s") < 60, "an ended job's clock stopped at its end, not now");
      assertEquals("vpt-deep", details.get("method"));
      assertEquals("shapes", details.get("task"));
      assertTrue(((String) details.get("config")).contains("method = vpt-deep"));
      assertEquals(List.of(2, 3, 2), java.util.Arrays.stream((int[]) details.get("distribution")).boxed().toList());
      assertEquals(2, ((List<?>) details.get("curves")).size());
    }
  }

  @Test
  void sweepsAreTheirJobsGroupedByKeyGridPointsFirst() throws Exception {
    try (JobStore store = new SqliteJobStore(tmp.resolve("jobs.db"))) {
      long finalRun = store.submitOnce("sweep-abc/final-seed1", "s", experiment()).id();
      long grid1 = store.submitOnce("sweep-abc/grid-lr1.0-wd0.0", "s", experiment()).id();
      long grid2 = store.submitOnce("sweep-abc/grid-lr0.1-wd0.0", "s", experiment()).id();
      store.submitOnce("sweep-other/grid-lr1.0-wd0.0", "t", experiment("  data.kind = idx",
          "  data.idx.train-images = \"/data/fashion/train-images.gz\""));
      store.submit("alone", experiment());
      var claim = store.claim("local", null).orElseThrow(); // the oldest: the final run
      store.progress(claim, 3, 0.9);
      store.finish(claim, JobStore.CANCELLED, null);
      JobViews views = new JobViews(store, j -> null, Clock.systemUTC());
      List<Map<String, Object>> sweeps = views.sweeps();
      assertEquals(List.of("abc", "other"), sweeps.stream().map(s -> s.get("id")).toList());
      assertEquals(2, sweeps.get(0).get("grid_runs"));
      assertEquals(1, sweeps.get(0).get("final_runs"));
      assertEquals(Map.of("cancelled", 1, "queued", 2), sweeps.get(0).get("states"));
      assertNull(sweeps.get(0).get("best_grid_run"), "a final run's val accuracy does not make it the best grid point");
      assertEquals("idx train-images.gz", sweeps.get(1).get("task"));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> runs = (List<Map<String, Object>>) views.sweep("abc").orElseThrow().get("runs");
      assertEquals(List.of(grid1, grid2, finalRun), runs.stream().map(r -> r.get("id")).toList());
      assertEquals(List.of("grid", "grid", "final"), runs.stream().map(r -> r.get("phase")).toList());
      assertTrue(views.sweep("ab").isEmpty(), "a prefix of an id is not the sweep");
    }
  }

  @Test
  void anExperimentTextThatNoLongerReadsLeavesTheSetupUnknown() {
    assertEquals(JobSetup.UNKNOWN, JobSetup.of("provpt.train.epocs = 3"));
    assertEquals(JobSetup.UNKNOWN, JobSetup.of("provpt { train { "));
  }
}
