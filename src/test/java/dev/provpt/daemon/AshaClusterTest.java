package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.provpt.config.ConfigLoader;
import dev.provpt.rundir.RunDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ASHA on two cluster nodes (two job managers over one PostgreSQL store and one runs directory): a node lost while
 * it trains a grid point in the middle of a rung; the other node takes the point over when its lease runs out,
 * continues it from its checkpoint, and the sweep ends with every arrival and every promotion recorded once.
 */
class AshaClusterTest {
  @TempDir
  static Path tmp;

  private static final List<Integer> RUNG_EPOCHS = List.of(2, 4, 8);

  private static ActorSystem<Void> node(JobStore store, Path runs, String owner) {
    Placement placement = Placement.cluster(owner, Duration.ofSeconds(3), Duration.ofMillis(500),
        Duration.ofMillis(200), false);
    return ActorSystem.create(Behaviors.setup(context -> {
      context.spawn(JobManager.create(store, runs, 1, placement), "jobs",
          DispatcherSelector.fromConfig("provpt.tensorflow-dispatcher"));
      return Behaviors.empty();
    }), owner, ConfigLoader.load(null, List.of()));
  }

  /** Polls the store until {@code until} holds for the sweep's jobs (each poll reads the store). */
  private static List<JobStore.Job> await(JobStore store, String what, Predicate<List<JobStore.Job>> until)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
    while (System.nanoTime() < deadline) {
      List<JobStore.Job> jobs = store.withKeyPrefix("sweep-lost/");
      if (until.test(jobs)) {
        return jobs;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("never got " + what + ": " + store.withKeyPrefix("sweep-lost/"));
  }

  @Test
  void aNodeLostInTheMiddleOfARungLosesNoDecision() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    String text = DaemonTest.experiment(backbone, "lost", "vpt-deep", 8, "  tensorflow-threads = 1",
        "  sweep { scheduler = asha, asha { reduction-factor = 2, min-epochs = 2, rungs = 3 } }");
    Path runs = tmp.resolve("runs");
    try (PostgresJobStore store = TestPostgres.store()) {
      List<Long> ids = new ArrayList<>();
      for (int point = 0; point < 4; point++) {
        ids.add(store.submitOnce("sweep-lost/grid-lr" + point + ".0-wd0.0", "grid " + point, text).id());
      }
      ActorSystem<Void> a = node(store, runs, "node-a");
      ActorSystem<Void> b = null;
      try {
        // node a alone until it holds a point between two rungs, after ASHA's first decision; node a is then
        // stopped before node b starts, so that the point cannot reach its rung in between on a slow machine
        List<JobStore.Job> at = await(store, "node a in the middle of a rung", jobs -> store.ashaDecisions(
            "sweep-lost/").isPresent() && jobs.stream().anyMatch(j -> j.state().equals(JobStore.RUNNING)
            && j.epoch() > 0 && !RUNG_EPOCHS.contains(j.epoch())));
        JobStore.Job lost = at.stream().filter(j -> j.state().equals(JobStore.RUNNING)).findFirst().orElseThrow();
        a.terminate(); // node a is gone: its job keeps its lease until it runs out, then node b takes it
        a.getWhenTerminated().toCompletableFuture().join();
        b = node(store, runs, "node-b");
        await(store, "the grid ended", jobs -> jobs.stream().allMatch(j -> List.of(JobStore.DONE, JobStore.STOPPED,
            JobStore.FAILED, JobStore.CANCELLED).contains(j.state())));
        checkOnce(store, ids);
        List<JobStore.Event> events = store.events(lost.id());
        assertTrue(events.stream().anyMatch(e -> e.state().equals(JobStore.QUEUED) && "lease expired".equals(
            e.owner())), "the lost node's job went back to the queue when its lease ran out: " + events);
        assertTrue(events.stream().anyMatch(e -> e.state().equals(JobStore.RUNNING) && "node-b".equals(e.owner())),
            "node b took it over: " + events);
      } finally {
        a.terminate(); // idempotent; also when an assertion failed before node a was stopped
        a.getWhenTerminated().toCompletableFuture().join();
        if (b != null) {
          b.terminate();
          b.getWhenTerminated().toCompletableFuture().join();
        }
      }
    }
  }

  /** 4 + 2 + 1 arrivals, each once, and each promotion once; the states as ASHA left them; gap-free metrics. */
  private static void checkOnce(JobStore store, List<Long> ids) throws Exception {
    AshaRungs.Decisions decisions = store.ashaDecisions("sweep-lost/").orElseThrow();
    Set<String> seen = new HashSet<>();
    int arrivals = 0;
    for (AshaRungs.Row row : decisions.rows()) {
      assertTrue(seen.add(row.job() + "@" + row.rung() + ":" + row.kind()), "twice: " + row);
      arrivals += row.kind().equals(AshaRungs.ARRIVAL) ? 1 : 0;
    }
    assertEquals(7, arrivals, decisions.rows().toString());
    var asha = decisions.replay();
    int stopped = 0;
    for (long id : ids) {
      JobStore.Job job = store.get(id).orElseThrow();
      int rung = asha.lastRung((int) id);
      stopped += job.state().equals(JobStore.STOPPED) ? 1 : 0;
      assertEquals(rung == 2 ? JobStore.DONE : JobStore.STOPPED, job.state(), job.toString());
      List<JsonNode> lines = RunDirectory.readMetrics(Path.of(job.runDirectory()));
      assertEquals(RUNG_EPOCHS.get(rung), lines.size(), "job " + id + ": each epoch once up to its last rung");
      for (int i = 0; i < lines.size(); i++) {
        assertEquals(i + 1, lines.get(i).get("epoch").asInt());
      }
    }
    assertEquals(3, stopped);
    assertEquals(Optional.of(List.of(2, 4, 8)), Optional.of(decisions.rungEpochs()));
  }
}
