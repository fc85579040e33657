package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.provpt.config.ConfigLoader;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job manager when what it runs on fails: a store that fails on demand ({@link FaultyJobStore})
 * over a real SQLite store, real (tiny) training runs. A fault of the store or the disk never ends
 * a job failed; it pauses the run or returns the job to the queue, up to the requeue budget.
 */
class JobFaultsTest {
  @TempDir
  static Path tmp;
  static Path backbone;

  private static final StoreRetry FAST = new StoreRetry(Duration.ofMillis(50), Duration.ofMillis(200),
      Duration.ofSeconds(1), 5);

  private Path dir;
  private SqliteJobStore sqlite;
  private final List<ActorSystem<?>> systems = new ArrayList<>();

  @BeforeAll
  static void backbone() throws Exception {
    backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
  }

  @BeforeEach
  void store() throws Exception {
    dir = Files.createTempDirectory(tmp, "faults");
    sqlite = new SqliteJobStore(dir.resolve("jobs.db"));
  }

  @AfterEach
  void stop() {
    for (ActorSystem<?> system : systems) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
    sqlite.close();
  }

  /** A job manager over {@code store}, as `provpt serve` runs it (on the TensorFlow dispatcher). */
  private void node(JobStore store, Placement placement) {
    systems.add(ActorSystem.create(Behaviors.setup(context -> {
      context.spawn(JobManager.create(store, dir.resolve("runs"), 1, placement), "jobs",
          DispatcherSelector.fromConfig("provpt.tensorflow-dispatcher"));
      return Behaviors.empty();
    }), "faults-" + systems.size(), ConfigLoader.load(null, List.of())));
  }

  private static Placement cluster(String owner) {
    return Placement.cluster(owner, Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofMillis(200),
        false).withRetry(FAST);
  }

  private JobStore.Job await(long id, String what, Predicate<JobStore.Job> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      JobStore.Job job = sqlite.get(id).orElseThrow();
      if (until.test(job)) {
        return job;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("job " + id + ": timed out waiting for " + what + ": " + sqlite.get(id));
  }

  private JobStore.Job awaitEnd(long id) throws Exception {
    return await(id, "its end", j -> List.of(JobStore.DONE, JobStore.FAILED, JobStore.CANCELLED).contains(j.state()));
  }

  /** Every epoch's metrics line exactly once, in order. */
  private void assertGapFree(long id, int epochs) throws Exception {
    List<JsonNode> lines = RunDirectory.readMetrics(dir.resolve("runs").resolve("job-" + id));
    assertEquals(epochs, lines.size(), "each epoch once: " + lines);
    for (int i = 0; i < epochs; i++) {
      assertEquals(i + 1, lines.get(i).get("epoch").asInt());
    }
  }

  private List<String> states(long id) {
    return sqlite.events(id).stream().map(JobStore.Event::state).toList();
  }

  @Test
  void aStartThatMeetsAnUnavailableStoreRequeuesTheJobInsteadOfFailingIt() throws Exception {
    FaultyJobStore faulty = new FaultyJobStore(sqlite);
    faulty.failNext("started", 1);
    long id = sqlite.submit("start", DaemonTest.experiment(backbone, "start", "vpt-deep", 2));
    node(faulty, Placement.singleNode().withRetry(FAST));
    JobStore.Job job = awaitEnd(id);
    assertEquals(JobStore.DONE, job.state(), job.toString());
    assertEquals(1, job.requeues());
    assertTrue(job.requeueCause().contains("cannot record its start"), job.requeueCause());
    assertEquals(List.of("queued", "running", "queued", "running", "done"), states(id));
    assertGapFree(id, 2);
  }

  @Test
  void aRunPausesAtItsNextWriteWhileTheStoreIsDownAndGoesOn() throws Exception {
    FaultyJobStore faulty = new FaultyJobStore(sqlite);
    long id = sqlite.submit("pause", DaemonTest.experiment(backbone, "pause", "pro-vpt", 4));
    node(faulty, Placement.singleNode().withRetry(FAST));
    await(id, "epoch 1", j -> j.epoch() >= 1);
    faulty.failNext("fence", 4); // the next writes find the store down: 50 + 100 + 200 + 200 ms
    JobStore.Job job = awaitEnd(id);
    assertEquals(JobStore.DONE, job.state(), job.toString());
    assertEquals(4, faulty.failures.get(), "the run met the outage");
    assertEquals(0, job.requeues(), "it paused, it was not requeued");
    assertEquals(List.of("queued", "running", "done"), states(id));
    assertGapFree(id, 4);
  }

  @Test
  void aFailingCheckpointWriteRequeuesTheJobAndThePreviousCheckpointStaysUsable() throws Exception {
    long id = sqlite.submit("disk", DaemonTest.experiment(backbone, "disk", "vpt-deep", 3));
    Path run = dir.resolve("runs").resolve("job-" + id);
    // a file where epoch 2's checkpoint directory goes: writing it fails as on a full disk
    Path blocker = Checkpoints.epochDirectory(run, 2);
    Files.createDirectories(blocker.getParent());
    Files.writeString(blocker, "in the way");
    node(sqlite, Placement.singleNode().withRetry(FAST));
    JobStore.Job requeued = await(id, "a requeue", j -> j.requeues() >= 1);
    assertTrue(requeued.requeueCause().contains("checkpoint"), requeued.requeueCause());
    List<Path> complete = Checkpoints.complete(run);
    assertEquals(Checkpoints.epochDirectory(run, 1), complete.get(0), "epoch 1's checkpoint is the newest complete");
    Checkpoints.requireIntact(complete.get(0));
    Files.delete(blocker); // the disk has room again
    JobStore.Job job = awaitEnd(id);
    assertEquals(JobStore.DONE, job.state(), job.toString());
    List<String> states = states(id);
    assertEquals(List.of("queued", "running", "queued"), states.subList(0, 3), "requeued, not failed: " + states);
    assertEquals(List.of("running", "done"), states.subList(states.size() - 2, states.size()));
    assertTrue(!states.contains("failed"), states.toString());
    assertGapFree(id, 3);
  }

  @Test
  void aJobRequeuedMoreOftenThanTheBudgetEndsFailedListingItsCauses() throws Exception {
    FaultyJobStore faulty = new FaultyJobStore(sqlite);
    faulty.failNext("fence", 1_000_000); // every write's check finds the store down, for good
    long id = sqlite.submit("doomed", DaemonTest.experiment(backbone, "doomed", "vpt-deep", 2));
    node(faulty, Placement.singleNode().withRetry(new StoreRetry(Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(300), 1)));
    JobStore.Job job = awaitEnd(id);
    assertEquals(JobStore.FAILED, job.state());
    assertEquals(2, job.requeues());
    assertTrue(job.error().startsWith("requeued 2 times for infrastructure faults, more than "
        + "provpt.daemon.max-infrastructure-requeues (1); last causes: "), job.error());
    assertTrue(job.error().contains("the job store was unavailable for 0.3s"), job.error());
  }

  @Test
  void aClaimWhoseReplyIsLostIsRequeuedWhenItsLeaseRunsOutNotLostNorFailed() throws Exception {
    FaultyJobStore faulty = new FaultyJobStore(sqlite);
    faulty.loseNextClaim(); // committed, but the node never hears of it
    long id = sqlite.submit("raced", DaemonTest.experiment(backbone, "raced", "vpt-deep", 2));
    node(faulty, cluster("node-a"));
    JobStore.Job job = awaitEnd(id);
    assertEquals(JobStore.DONE, job.state(), job.toString());
    assertEquals(1, job.requeues());
    assertTrue(job.requeueCause().endsWith("lease expired"), job.requeueCause());
    assertEquals(List.of("queued", "running", "queued", "running", "done"), states(id));
    assertGapFree(id, 2);
  }

  @Test
  void aNodeCutOffFromTheStorePastItsLeaseLosesTheJobToAnotherWhichFinishesIt() throws Exception {
    FaultyJobStore cutOff = new FaultyJobStore(sqlite);
    long id = sqlite.submit("taken", DaemonTest.experiment(backbone, "taken", "vpt-deep", 6));
    node(cutOff, cluster("node-a"));
    await(id, "epoch 2 on node-a", j -> j.epoch() >= 2 && j.epoch() < 5);
    cutOff.down(true); // node-a no longer reaches the store; its run pauses at its next write
    node(sqlite, cluster("node-b"));
    await(id, "the job on node-b", j -> "node-b".equals(j.owner()));
    cutOff.down(false); // node-a reaches the store again: its claim is stale
    JobStore.Job job = awaitEnd(id);
    assertEquals(JobStore.DONE, job.state(), job.toString());
    assertEquals("node-b", job.owner());
    assertEquals(1, job.requeues());
    assertTrue(job.requeueCause().endsWith("lease expired"), job.requeueCause());
    assertEquals(1, states(id).stream().filter(JobStore.DONE::equals).count());
    assertGapFree(id, 6);
  }
}
