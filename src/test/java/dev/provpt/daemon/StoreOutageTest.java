package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.RunService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster node's PostgreSQL stopped while a job trains, then started again: shorter than the
 * lease, the run pauses at its next write and goes on; longer, the job is requeued and resumes
 * from its checkpoint. Either way it ends done, with every epoch's metrics once and equal to an
 * uninterrupted run's (the job is deterministic). Its own server, which the test stops and starts.
 */
@Tag("cluster")
class StoreOutageTest {
  @TempDir
  static Path tmp;
  static Path backbone;

  private static final Duration POOL_TIMEOUT = Duration.ofSeconds(1);
  private static final int EPOCHS = 6;
  private static EmbeddedPostgres server;
  private static Path data;
  private static int port;
  private static String job;
  private static List<JsonNode> uninterrupted;

  @BeforeAll
  static void serverAndReference() throws Exception {
    backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    data = Files.createTempDirectory(tmp, "pgdata");
    port = ClusterNodes.freePort();
    startServer();
    job = DaemonTest.experiment(backbone, "outage", "vpt-deep", EPOCHS, "  tensorflow-threads = 1");
    ExperimentSettings settings = ExperimentSettings.from(ConfigLoader.parse(job, "reference", List.of()));
    Path reference = Files.createTempDirectory(tmp, "reference");
    var outcome = RunService.run(RunService.prepare(settings), RunDirectory.at(reference), false, line -> { },
        settings.source());
    assertTrue(outcome.succeeded(), outcome.error());
    uninterrupted = withoutTimes(RunDirectory.readMetrics(reference));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** The server on its own data directory and port: stopped and started again, it keeps its databases. */
  private static void startServer() throws Exception {
    server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
  }

  private static PostgresJobStore freshStore(String name) throws Exception {
    try (var c = server.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    PostgresJobStore store = PostgresJobStore.connect("jdbc:postgresql://127.0.0.1:" + port + "/" + name,
        "postgres", "", 2, POOL_TIMEOUT);
    store.migrate();
    return store;
  }

  private static ActorSystem<Void> node(JobStore store, Path runs, Duration lease) {
    var placement = Placement.cluster("node-a", lease, Duration.ofMillis(500), Duration.ofMillis(250),
        false).withRetry(new StoreRetry(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1), 5));
    return ActorSystem.create(Behaviors.setup(context -> {
      context.spawn(JobManager.create(store, runs, 1, placement), "jobs",
          DispatcherSelector.fromConfig("provpt.tensorflow-dispatcher"));
      return Behaviors.empty();
    }), "outage", ConfigLoader.load(null, List.of()));
  }

  private static void await(String what, BooleanSupplier until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!until.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Trains the job on one node, stops the server once it is past epoch 1 until {@code restartWhen}, starts it. */
  private static JobStore.Job trainThroughAnOutage(String database, Duration lease, BooleanSupplier restartWhen,
      FaultyJobStore[] seen, Path runs) throws Exception {
    PostgresJobStore store = freshStore(database);
    FaultyJobStore counting = new FaultyJobStore(store);
    seen[0] = counting;
    long id = store.submit("outage", job);
    ActorSystem<Void> node = node(counting, runs, lease);
    try {
      await("epoch 2", () -> store.get(id).orElseThrow().epoch() >= 2);
      server.close(); // pg_ctl stop -m fast: open connections end with 57P01, new ones are refused
      try {
        await("the outage to be met", restartWhen);
      } finally {
        startServer();
      }
      await("the job's end", () -> {
        try {
          return List.of(JobStore.DONE, JobStore.FAILED).contains(store.get(id).orElseThrow().state());
        } catch (StoreUnavailableException e) {
          return false; // the test's own pool may still be reconnecting to the restarted server
        }
      });
      return store.get(id).orElseThrow();
    } finally {
      node.terminate();
      node.getWhenTerminated().toCompletableFuture().join();
      store.close();
    }
  }

  @Test
  void aDatabaseRestartShorterThanTheLeasePausesTheRunWhichEndsAsIfUninterrupted() throws Exception {
    Duration lease = Duration.ofSeconds(20);
    Path runs = Files.createTempDirectory(tmp, "runs");
    FaultyJobStore[] seen = new FaultyJobStore[1];
    long stopped = System.nanoTime();
    // down until a write has waited out the pool's timeout twice: longer than the pool's timeout, well inside the lease
    JobStore.Job job = trainThroughAnOutage("outage_short", lease, () -> seen[0].fenceTimeouts.get() >= 2, seen, runs);
    assertTrue(Duration.ofNanos(System.nanoTime() - stopped).compareTo(lease) < 0, "the outage was shorter than the lease");
    assertEquals(JobStore.DONE, job.state(), job.toString());
    assertEquals(0, job.requeues(), "paused, not requeued: " + job);
    assertEquals(uninterrupted, withoutTimes(RunDirectory.readMetrics(runs.resolve("job-" + job.id()))));
  }

  @Test
  void aDatabaseOutageLongerThanTheLeaseRequeuesTheJobWhichResumesAndEndsAsIfUninterrupted() throws Exception {
    Duration lease = Duration.ofSeconds(3);
    Path runs = Files.createTempDirectory(tmp, "runs");
    FaultyJobStore[] seen = new FaultyJobStore[1];
    long[] since = {0};
    JobStore.Job job = trainThroughAnOutage("outage_long", lease, () -> {
      // the outage outlasts the lease as the run's last write saw it: from its first failure, a lease and a bit
      if (since[0] == 0 && seen[0].fenceOutages.get() > 0) {
        since[0] = System.nanoTime();
      }
      return since[0] != 0 && System.nanoTime() - since[0] > lease.plusSeconds(1).toNanos();
    }, seen, runs);
    assertEquals(JobStore.DONE, job.state(), job.toString());
    assertEquals(1, job.requeues(), "requeued once: " + job);
    assertEquals(uninterrupted, withoutTimes(RunDirectory.readMetrics(runs.resolve("job-" + job.id()))));
  }

  private static List<JsonNode> withoutTimes(List<JsonNode> lines) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode line : lines) {
      ObjectNode copy = line.deepCopy();
      copy.remove(List.of("seconds", "phase_seconds"));
      out.add(copy);
    }
    return out;
  }
}
