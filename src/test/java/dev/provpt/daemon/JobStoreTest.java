package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same cases against both job stores: SQLite (one node) and PostgreSQL (the cluster). */
class JobStoreTest {
  @TempDir
  static Path tmp;

  static Stream<String> stores() {
    return Stream.of("sqlite", "postgres");
  }

  private static int files;

  /** A lease that ended a second before the database's now. */
  private static final Duration EXPIRED = Duration.ofSeconds(-1);

  private static JobStore open(String kind) throws Exception {
    return kind.equals("sqlite") ? new SqliteJobStore(tmp.resolve("jobs-" + (++files) + ".db")) : TestPostgres.store();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void claimsTakeTheOldestQueuedJobWithANewToken(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      long one = store.submit("one", "provpt.name = one");
      long two = store.submit("two", "provpt.name = two");
      var claim = store.claim("node-a", Duration.ofMinutes(1)).orElseThrow();
      assertEquals(one, claim.id());
      assertEquals(1, claim.fence());
      assertEquals("node-a", store.get(one).orElseThrow().owner());
      assertEquals(JobStore.RUNNING, store.get(one).orElseThrow().state());
      assertEquals(two, store.claim("node-b", null).orElseThrow().id());
      assertTrue(store.claim("node-c", null).isEmpty());
      assertTrue(store.started(claim, "/runs/job-" + one, 5));
      assertTrue(store.progress(claim, 2, 0.5));
      assertTrue(store.finish(claim, JobStore.DONE, null));
      JobStore.Job done = store.get(one).orElseThrow();
      assertEquals(JobStore.DONE, done.state());
      assertEquals(2, done.epoch());
      assertEquals(0.5, done.bestVal());
      assertEquals("/runs/job-" + one, done.runDirectory());
      assertFalse(store.finish(claim, JobStore.DONE, null), "a job ends only once");
      assertEquals(List.of(JobStore.QUEUED, JobStore.RUNNING, JobStore.DONE),
          store.events(one).stream().map(JobStore.Event::state).toList());
      assertEquals(2, store.list().size());
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anExpiredLeaseRequeuesTheJobAndFencesTheOldHolder(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      // leases end at the database's clock plus the lease, which no test can set: instead of waiting for one to
      // run out, each is put a minute ahead of that clock or a second behind it, so no real time has to pass
      long id = store.submit("leased", "x");
      var old = store.claim("paused-node", EXPIRED).orElseThrow();
      assertEquals(Map.of(id, JobStore.Renewal.HELD), store.renew(List.of(old), Duration.ofMinutes(1)));
      assertEquals(0, store.requeueExpired(), "a renewed lease has not expired");
      assertEquals(JobStore.RUNNING, store.get(id).orElseThrow().state());
      assertEquals(Map.of(id, JobStore.Renewal.HELD), store.renew(List.of(old), EXPIRED));
      assertEquals(1, store.requeueExpired(), "a lease that ended is requeued");
      assertEquals(0, store.requeueExpired(), "once");
      assertEquals(JobStore.QUEUED, store.get(id).orElseThrow().state());
      var fresh = store.claim("live-node", Duration.ofMinutes(1)).orElseThrow();
      assertEquals(id, fresh.id());
      assertTrue(fresh.fence() > old.fence());
      assertEquals(fresh.fence(), store.fence(id));
      // the paused holder wakes up: every write with its old token is refused
      assertFalse(store.progress(old, 3, 0.9));
      assertFalse(store.finish(old, JobStore.FAILED, "stale"));
      assertEquals(Map.of(id, JobStore.Renewal.LOST), store.renew(List.of(old), Duration.ofMinutes(1)));
      assertTrue(store.progress(fresh, 1, 0.4));
      assertTrue(store.finish(fresh, JobStore.DONE, null));
      assertEquals(1, store.events(id).stream().filter(e -> e.state().equals(JobStore.DONE)).count());
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aRemovedNodesJobsGoBackAtOnce(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      long a = store.submit("a", "x");
      long b = store.submit("b", "x");
      var lost = store.claim("dead-node", Duration.ofMinutes(10)).orElseThrow();
      var kept = store.claim("live-node", Duration.ofMinutes(10)).orElseThrow();
      assertEquals(1, store.requeueOwnedBy("dead-node"));
      assertEquals(JobStore.QUEUED, store.get(a).orElseThrow().state());
      assertEquals(JobStore.RUNNING, store.get(b).orElseThrow().state());
      assertFalse(store.progress(lost, 1, 0.1));
      assertTrue(store.progress(kept, 1, 0.1));
      assertEquals(1, store.requeueInterrupted());
      assertEquals(2, store.list().stream().filter(j -> j.state().equals(JobStore.QUEUED)).count());
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void cancellingAQueuedJobOrAskingTheOwnerOfARunningOne(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      long running = store.submit("running", "x");
      long queued = store.submit("queued", "x");
      var claim = store.claim("node", Duration.ofMinutes(1)).orElseThrow();
      assertTrue(store.requestCancel(queued));
      assertEquals(JobStore.CANCELLED, store.get(queued).orElseThrow().state());
      assertTrue(store.requestCancel(running));
      assertEquals(Map.of(running, JobStore.Renewal.CANCEL_REQUESTED), store.renew(List.of(claim), Duration.ofMinutes(1)));
      assertTrue(store.finish(claim, JobStore.CANCELLED, "requested"));
      assertFalse(store.requestCancel(running), "an ended job cannot be cancelled");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aCancelledKeyedJobIsQueuedAgainByTheNextSubmissionAndOnlyThen(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      var first = store.submitOnce("sweep-1/final-seed1", "final", "old");
      assertTrue(store.requestCancel(first.id()));
      var again = store.submitOnce("sweep-1/final-seed1", "final", "new");
      assertTrue(again.added(), "re-queued");
      assertEquals(first.id(), again.id());
      JobStore.Job job = store.get(first.id()).orElseThrow();
      assertEquals(JobStore.QUEUED, job.state());
      assertEquals("new", job.config());
      assertEquals(null, job.error());
      assertFalse(store.submitOnce("sweep-1/final-seed1", "final", "new").added(), "queued now: nothing to add");
      assertEquals(1, store.list().size());
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void submittingTheSameKeyTwiceAddsNothing(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      var first = store.submitOnce("sweep-1/grid-a", "grid-a", "x");
      var again = store.submitOnce("sweep-1/grid-a", "grid-a", "x");
      store.submitOnce("sweep-1/grid-b", "grid-b", "x");
      store.submitOnce("sweep_2/grid-a", "grid-a", "x");
      assertTrue(first.added());
      assertFalse(again.added());
      assertEquals(first.id(), again.id());
      assertEquals(3, store.list().size());
      assertEquals(List.of("sweep-1/grid-a", "sweep-1/grid-b"),
          store.withKeyPrefix("sweep-1/").stream().map(JobStore.Job::submitKey).toList());
      assertEquals(1, store.withKeyPrefix("sweep_2/").size(), "LIKE wildcards in a key are literal");
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void concurrentClaimsNeverTakeAJobTwice(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      for (int i = 0; i < 60; i++) {
        store.submit("job" + i, "x");
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Long> claimed = Collections.synchronizedList(new ArrayList<>());
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String owner = "node-" + w;
        workers.add(pool.submit(() -> {
          for (var c = store.claim(owner, Duration.ofMinutes(1)); c.isPresent();
              c = store.claim(owner, Duration.ofMinutes(1))) {
            claimed.add(c.get().id());
            store.finish(c.get(), JobStore.DONE, null);
          }
        }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
      pool.shutdown();
      assertEquals(60, claimed.size());
      assertEquals(60, claimed.stream().distinct().count());
      assertTrue(store.list().stream().allMatch(j -> j.state().equals(JobStore.DONE)));
    }
  }
}
