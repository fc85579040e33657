package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.sweep.scheduler.Asha;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** ASHA's decisions as rows in the job store: recorded, applied to the jobs, replayed after a reopen, raced. */
class AshaRungsTest {
  @TempDir
  static Path tmp;

  private static int files;

  static Stream<String> stores() {
    return Stream.of("sqlite", "postgres");
  }

  /** η = 2, rungs at epochs 1, 2, 4 (train.epochs = 4). */
  static final String TEXT = "provpt { train.epochs = 4, sweep { scheduler = asha, "
      + "asha { reduction-factor = 2, min-epochs = 1, rungs = 3 } } }";

  private static JobStore open(String kind) throws Exception {
    return kind.equals("sqlite") ? new SqliteJobStore(tmp.resolve("asha-" + (++files) + ".db")) : TestPostgres.store();
  }

  private static long submit(JobStore store, String sweep, int point) {
    return store.submitOnce("sweep-" + sweep + "/grid-lr" + point + ".0-wd0.0", "grid " + point, TEXT).id();
  }

  /** Claims the oldest queued job, which must be {@code expected}, and reports {@code metric} at its rung. */
  private static AshaRungs.Report claimAndReport(JobStore store, String node, long expected, double metric) {
    JobStore.Claim claim = store.claim(node, Duration.ofMinutes(1)).orElseThrow();
    assertEquals(expected, claim.id(), "the oldest queued job is claimed: promoted runs before new ones");
    AshaJob job = AshaJob.of(claim.job()).orElseThrow();
    return store.reportRung(claim, job, metric).orElseThrow();
  }

  private static String state(JobStore store, long id) {
    return store.get(id).orElseThrow().state();
  }

  /**
   * A hand-worked sequence: run 1 pauses alone at rung 0 and is promoted later, when run 2 arrives below it; a
   * promoted run is claimed before the runs not yet started; the top rung ends a run done; a stale claim's report
   * is refused; the rows replay to the same scheduler after the store is opened again.
   */
  @ParameterizedTest
  @MethodSource("stores")
  void decisionsAreRowsAppliedToTheJobs(String kind) throws Exception {
    Path file = tmp.resolve("asha-reopen-" + kind + ".db");
    JobStore store = kind.equals("sqlite") ? new SqliteJobStore(file) : open(kind);
    long j1 = submit(store, "hand", 1);
    long j2 = submit(store, "hand", 2);
    long j3 = submit(store, "hand", 3);
    long j4 = submit(store, "hand", 4);
    assertEquals(Asha.Decision.PAUSE, claimAndReport(store, "a", j1, 0.5).decision());
    assertEquals(JobStore.STOPPED, state(store, j1));
    AshaRungs.Report second = claimAndReport(store, "a", j2, 0.3);
    assertEquals(Asha.Decision.PAUSE, second.decision());
    assertEquals(List.of(j1), second.promoted(), "two at rung 0: the top one (run 1) goes on");
    assertEquals(JobStore.QUEUED, state(store, j1));
    assertEquals(JobStore.STOPPED, state(store, j2));
    assertEquals(1, store.ashaRung(j1));
    JobStore.Claim stale = store.claim("a", Duration.ofMinutes(1)).orElseThrow();
    assertEquals(j1, stale.id());
    assertEquals(1, store.requeueExpired() + store.requeueOwnedBy("a"), "its node left: back to the queue");
    assertTrue(store.reportRung(stale, AshaJob.of(stale.job()).orElseThrow(), 0.99).isEmpty(),
        "a stale claim's report is refused");
    assertEquals(Asha.Decision.PAUSE, claimAndReport(store, "b", j1, 0.6).decision(), "alone at rung 1");
    assertEquals(Asha.Decision.PROMOTE, claimAndReport(store, "b", j3, 0.7).decision(), "top 1 of 3 at rung 0");
    assertEquals(JobStore.QUEUED, state(store, j3));
    if (kind.equals("sqlite")) {
      store.close(); // the decisions are in the file, not in this process
      store = new SqliteJobStore(file);
    }
    AshaRungs.Report atRung1 = claimAndReport(store, "b", j3, 0.8);
    assertEquals(1, atRung1.rung());
    assertEquals(Asha.Decision.PROMOTE, atRung1.decision(), "top 1 of 2 at rung 1");
    AshaRungs.Report top = claimAndReport(store, "b", j3, 0.75);
    assertEquals(2, top.rung());
    assertEquals(Asha.Decision.TOP, top.decision());
    assertEquals(JobStore.DONE, state(store, j3));
    AshaRungs.Report last = claimAndReport(store, "b", j4, 0.1);
    assertEquals(Asha.Decision.PAUSE, last.decision());
    assertEquals(List.of(), last.promoted(), "the top 2 of 4 at rung 0 were promoted already");
    assertTrue(store.claim("b", null).isEmpty(), "nothing left to run");
    assertEquals(List.of(JobStore.STOPPED, JobStore.STOPPED, JobStore.DONE, JobStore.STOPPED),
        states(store, j1, j2, j3, j4));

    AshaRungs.Decisions decisions = store.ashaDecisions("sweep-hand/").orElseThrow();
    assertEquals(List.of(1, 2, 4), decisions.rungEpochs());
    List<String> rows = decisions.rows().stream().map(r -> r.job() + "@" + r.rung() + ":" + r.decision()).toList();
    assertEquals(List.of(j1 + "@0:pause", j2 + "@0:pause", j1 + "@0:promoted", j1 + "@1:pause", j3 + "@0:promote",
        j3 + "@0:promoted", j3 + "@1:promote", j3 + "@1:promoted", j3 + "@2:top", j4 + "@0:pause"), rows);
    Asha replayed = decisions.replay();
    assertEquals(j3, replayed.pick().getAsInt(), "the best at the highest rung reached");
    assertEquals(1, replayed.lastRung((int) j1));
    assertTrue(replayed.standing((int) j2).startsWith("rank 3 of 4 at rung 0 (epoch 1); the top 2 go on"),
        replayed.standing((int) j2));
    assertEquals(List.of(JobStore.QUEUED, JobStore.RUNNING, JobStore.STOPPED, JobStore.QUEUED, JobStore.RUNNING,
        JobStore.QUEUED, JobStore.RUNNING, JobStore.STOPPED), store.events(j1).stream().map(JobStore.Event::state)
        .toList());
    assertEquals("promoted", new JobTimeline(store.events(j1)).entries().get(3).get("kind"));
    checkSweepView(store, j1, j2, j3, j4);
    store.close();
  }

  /**
   * A run ASHA stopped can be cancelled; when a later arrival would promote it, it stays cancelled and is never
   * claimed again.
   */
  @ParameterizedTest
  @MethodSource("stores")
  void aStoppedRunCancelledIsNeverPromotedBackToTheQueue(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      long j1 = submit(store, "cancel", 1);
      long j2 = submit(store, "cancel", 2);
      assertEquals(Asha.Decision.PAUSE, claimAndReport(store, "a", j1, 0.5).decision());
      assertTrue(store.requestCancel(j1), "a stopped run can be cancelled");
      assertEquals(JobStore.CANCELLED, state(store, j1));
      assertEquals("cancelled while stopped at an ASHA rung", store.get(j1).orElseThrow().error());
      claimAndReport(store, "a", j2, 0.3); // run 1 is the top one of two at rung 0: promotable
      assertEquals(JobStore.CANCELLED, state(store, j1), "promotion requeues stopped runs only");
      assertTrue(store.claim("a", null).isEmpty(), "nothing to claim: run 2 stopped, run 1 cancelled");
      assertFalse(store.requestCancel(j1), "an ended job cannot be cancelled twice");
    }
  }

  /** What the sweep page reads: each grid point's rung, ASHA state and standing; the sweep's section. */
  @SuppressWarnings("unchecked")
  private static void checkSweepView(JobStore store, long j1, long j2, long j3, long j4) {
    Map<String, Object> sweep = new JobViews(store, j -> null, Clock.systemUTC()).sweep("hand").orElseThrow();
    assertEquals("asha", sweep.get("scheduler"));
    List<Map<String, Object>> runs = (List<Map<String, Object>>) sweep.get("runs");
    assertEquals(List.of(1, 0, 2, 0), runs.stream().map(r -> r.get("rung")).toList());
    assertEquals(List.of("stopped", "stopped", "done", "stopped"), runs.stream().map(r -> r.get("asha_state"))
        .toList());
    assertEquals(List.of(2, 1, 4, 1), runs.stream().map(r -> r.get("asha_epochs")).toList());
    assertEquals("rank 1 of 1 at rung 2 (epoch 4), the top rung", runs.get(2).get("asha_why"));
    Map<String, Object> asha = (Map<String, Object>) sweep.get("asha");
    assertEquals("grid-lr3.0-wd0.0", asha.get("pick"));
    assertEquals(4 * 1 + 2 * 1 + 1 * 2, asha.get("epochs_trained"), "4 arrivals at epoch 1, 2 at 2, 1 at 4");
    assertEquals(4 * 4, asha.get("grid_epochs"));
    assertEquals(7, ((List<?>) asha.get("events")).size());
  }

  private static List<String> states(JobStore store, long... ids) {
    List<String> states = new ArrayList<>();
    for (long id : ids) {
      states.add(state(store, id));
    }
    return states;
  }

  /**
   * Two nodes (two connection pools on one PostgreSQL database) report two runs at rung 0 at the same moment; the
   * run that paused there first becomes promotable with whichever report commits first. Exactly one of the two
   * promotes it, every time: one promotion row, one return to the queue.
   */
  @Test
  void twoNodesRacingToPromoteTheSameRunOneWins() throws Exception {
    String url = TestPostgres.freshDatabase();
    try (PostgresJobStore a = PostgresJobStore.connect(url, "postgres", "", 4);
        PostgresJobStore b = PostgresJobStore.connect(url, "postgres", "", 4)) {
      a.migrate();
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 12; round++) {
          String sweep = "race" + round;
          long first = submit(a, sweep, 1);
          long left = submit(a, sweep, 2);
          long right = submit(a, sweep, 3);
          assertEquals(Asha.Decision.PAUSE, claimAndReport(a, "node-a", first, 0.9).decision());
          JobStore.Claim onA = a.claim("node-a", Duration.ofMinutes(1)).orElseThrow();
          JobStore.Claim onB = b.claim("node-b", Duration.ofMinutes(1)).orElseThrow();
          assertEquals(List.of(left, right), List.of(onA.id(), onB.id()));
          CyclicBarrier together = new CyclicBarrier(2);
          Future<Optional<AshaRungs.Report>> fromA = threads.submit(() -> {
            together.await();
            return a.reportRung(onA, AshaJob.of(onA.job()).orElseThrow(), 0.1);
          });
          Future<Optional<AshaRungs.Report>> fromB = threads.submit(() -> {
            together.await();
            return b.reportRung(onB, AshaJob.of(onB.job()).orElseThrow(), 0.2);
          });
          List<AshaRungs.Report> reports = List.of(fromA.get().orElseThrow(), fromB.get().orElseThrow());
          List<Long> promoted = new ArrayList<>();
          reports.forEach(r -> promoted.addAll(r.promoted()));
          assertEquals(List.of(first), promoted, "round " + round + ": one of the two reports promotes it");
          long promotions = a.ashaDecisions("sweep-" + sweep + "/").orElseThrow().rows().stream()
              .filter(r -> r.kind().equals(AshaRungs.PROMOTION)).count();
          assertEquals(1, promotions, "round " + round);
          assertEquals(JobStore.QUEUED, a.get(first).orElseThrow().state());
          assertEquals(2, a.events(first).stream().filter(e -> e.state().equals(JobStore.QUEUED)).count(),
              "submitted, then promoted once");
          // drain the round: the promoted run at rung 1 is the only one there, and stops
          assertEquals(Asha.Decision.PAUSE, claimAndReport(b, "node-b", first, 0.9).decision());
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }
}
