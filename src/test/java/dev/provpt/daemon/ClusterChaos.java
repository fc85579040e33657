package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.RunService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault run of scripts/chaos-cluster.sh: three `provpt serve` nodes on a real PostgreSQL server (its JDBC URL
 * in -Dchaos.database, the shell commands that stop and start it in -Dchaos.pg.stop / -Dchaos.pg.start), six jobs,
 * and five faults in an order and at moments drawn from a printed seed (-Dchaos.seed to replay): SIGKILL of the node
 * training the deterministic job (a new node joins), SIGKILL of the oldest member (likewise), SIGSTOP of a training
 * node past its lease then SIGCONT, a database restart of 2 s to half the lease, and one longer than the lease.
 * Every job ends done exactly once with every epoch once in its metrics; the deterministic job equals an
 * uninterrupted run. Skipped unless -Dchaos.cluster=true.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "chaos.cluster", matches = "true")
class ClusterChaos {
  private static final int DETERMINISTIC_EPOCHS = Integer.getInteger("chaos.deterministic-epochs", 20);
  private static final int EPOCHS = Integer.getInteger("chaos.epochs", 30);
  private static final Duration LEASE = Duration.ofSeconds(Long.getLong("chaos.lease-s", 20L));
  private static final String[] TIMINGS = {"cluster.lease=" + LEASE.toSeconds() + "s", "cluster.renew-every=1s",
      "cluster.poll-every=500ms", "cluster.split-brain-resolver.stable-after=2s", "cluster.join-timeout=60s",
      "daemon.max-concurrent=1"};

  /** The injected faults; their order is drawn from the seed. */
  enum Fault { KILL_TRAINING, KILL_OLDEST, STOP_PAST_LEASE, DB_RESTART_SHORT, DB_RESTART_PAST_LEASE }

  @TempDir
  Path tmp;
  private final List<ClusterNodes.Node> nodes = new ArrayList<>();
  private Path backbone;
  private Path runs;
  private String database;
  private int named;

  private String job(String name, String method, int epochs) {
    return DaemonTest.experiment(backbone, name, method, epochs, "  tensorflow-threads = 1",
        "  data { train-size = 600, val-size = 100, shapes.pool-per-class = 70 }");
  }

  private ClusterNodes.Node start() throws Exception {
    List<Integer> seeds = new ArrayList<>(alive().stream().map(n -> n.clusterPort).toList());
    int port = ClusterNodes.freePort();
    if (seeds.isEmpty()) {
      seeds.add(port);
    }
    ClusterNodes.Node node = ClusterNodes.start("n" + (++named), tmp.resolve("nodes"), port, seeds, database, runs,
        TIMINGS);
    nodes.add(node);
    return node.awaitListening(Duration.ofSeconds(120));
  }

  private List<ClusterNodes.Node> alive() {
    return nodes.stream().filter(n -> n.process.isAlive() && n.httpPort > 0).toList();
  }

  private JsonNode jobs() throws Exception {
    Exception last = null;
    for (ClusterNodes.Node node : alive()) {
      try {
        return ClusterNodes.get(node.httpPort, "/jobs");
      } catch (Exception e) {
        last = e; // a stopped node, or the database is down: ask another, or again
      }
    }
    throw new IllegalStateException("no node answers", last);
  }

  private JsonNode awaitJobs(String what, Duration timeout, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        JsonNode jobs = jobs();
        if (until.test(jobs)) {
          return jobs;
        }
      } catch (Exception e) {
        // the database restarts: GET /jobs fails for a while
      }
      Thread.sleep(500);
    }
    throw new AssertionError("timed out waiting for " + what + ": " + logs());
  }

  private String logs() throws Exception {
    StringBuilder all = new StringBuilder();
    for (ClusterNodes.Node node : nodes) {
      all.append("\n===== ").append(node.name).append('\n').append(node.logText());
    }
    return all.toString();
  }

  private static Optional<JsonNode> find(JsonNode jobs, long id) {
    for (JsonNode job : jobs) {
      if (job.get("id").asLong() == id) {
        return Optional.of(job);
      }
    }
    return Optional.empty();
  }

  private static boolean training(JsonNode job) {
    return job.get("state").asText().equals("running") && job.get("epoch").asInt() >= 2
        && job.get("epoch").asInt() < job.get("epochs").asInt() - 1;
  }

  /** The node training the deterministic job if it trains, else any node training a job; waits for one. */
  private ClusterNodes.Node trainingNode(long preferred) throws Exception {
    JsonNode jobs = awaitJobs("a job in training", Duration.ofSeconds(300), all -> {
      for (JsonNode j : all) {
        if (training(j)) {
          return true;
        }
      }
      return false;
    });
    String owner = null;
    for (JsonNode j : jobs) {
      if (training(j) && (owner == null || j.get("id").asLong() == preferred)) {
        owner = j.get("node").asText();
      }
    }
    String found = owner;
    return nodes.stream().filter(n -> n.owns(found)).findFirst().orElseThrow(() -> new AssertionError(found));
  }

  private static void shell(String command) throws Exception {
    int rc = new ProcessBuilder("bash", "-c", command).inheritIO().start().waitFor();
    assertEquals(0, rc, "failed: " + command);
  }

  private void inject(Fault fault, Random random, long deterministic) throws Exception {
    switch (fault) {
      case KILL_TRAINING -> {
        trainingNode(deterministic).kill();
        start();
      }
      case KILL_OLDEST -> {
        String oldest = ClusterNodes.get(alive().get(0).httpPort, "/cluster").get("oldest").asText();
        nodes.stream().filter(n -> oldest.contains("@127.0.0.1:" + n.clusterPort)).findFirst().orElseThrow().kill();
        start();
      }
      case STOP_PAST_LEASE -> {
        ClusterNodes.Node paused = trainingNode(deterministic);
        paused.signal("STOP");
        Thread.sleep(LEASE.plusSeconds(4).toMillis());
        paused.signal("CONT");
      }
      case DB_RESTART_SHORT, DB_RESTART_PAST_LEASE -> {
        long ms = fault == Fault.DB_RESTART_SHORT ? 2000 + random.nextLong(LEASE.toMillis() / 2 - 1999)
            : LEASE.toMillis() + 2000 + random.nextLong(6001);
        trainingNode(deterministic);
        shell(System.getProperty("chaos.pg.stop"));
        System.out.println("ClusterChaos: database down for " + ms + " ms");
        Thread.sleep(ms);
        shell(System.getProperty("chaos.pg.start"));
      }
    }
  }

  @Test
  void sixJobsEndDoneExactlyOnceThroughNodeAndDatabaseFaults() throws Exception {
    long seed = Long.getLong("chaos.seed", System.nanoTime());
    Random random = new Random(seed);
    List<Fault> faults = new ArrayList<>(List.of(Fault.values()));
    Collections.shuffle(faults, random);
    System.out.println("ClusterChaos: -Dchaos.seed=" + seed + ", faults " + faults + ", lease " + LEASE);
    if (System.getProperty("chaos.work") != null) {
      tmp = Path.of(System.getProperty("chaos.work")); // the script's directory: it stops what runs from there
    }
    backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    runs = tmp.resolve("shared-runs");
    database = System.getProperty("chaos.database");
    try {
      for (int i = 0; i < 3; i++) {
        start();
      }
      String deterministicText = job("deterministic", "vpt-deep", DETERMINISTIC_EPOCHS);
      long deterministic = ClusterNodes.submit(alive().get(0).httpPort, deterministicText);
      List<Long> ids = new ArrayList<>(List.of(deterministic));
      for (int i = 0; i < 5; i++) {
        ids.add(ClusterNodes.submit(alive().get(i % 3).httpPort, job("job" + i, i % 2 == 0 ? "pro-vpt" : "vpt-deep",
            EPOCHS)));
      }
      for (Fault fault : faults) {
        long delay = random.nextLong(8001);
        Thread.sleep(delay);
        System.out.println("ClusterChaos: " + fault + " after " + delay + " ms; jobs "
            + brief(awaitJobs("an answer", Duration.ofSeconds(120), all -> true)));
        inject(fault, random, deterministic);
      }
      JsonNode ended = awaitJobs("every job ended", Duration.ofMinutes(20), all -> {
        int count = 0;
        for (JsonNode j : all) {
          count += List.of("done", "failed", "cancelled").contains(j.get("state").asText()) ? 1 : 0;
        }
        return count == ids.size();
      });
      check(ended, ids, deterministic, deterministicText);
    } finally {
      for (ClusterNodes.Node node : nodes) {
        node.signal("CONT");
        node.kill();
      }
    }
  }

  private void check(JsonNode ended, List<Long> ids, long deterministic, String deterministicText) throws Exception {
    String log = logs();
    try (PostgresJobStore store = PostgresJobStore.connect(database, "postgres", "", 1)) {
      for (long id : ids) {
        JsonNode j = find(ended, id).orElseThrow();
        System.out.println("ClusterChaos: job " + id + " " + j.get("state").asText() + ", events "
            + store.events(id).stream().map(e -> e.state() + "/" + e.fence()).toList());
        assertEquals("done", j.get("state").asText(), j + log);
        assertEquals(1, store.events(id).stream().filter(ev -> ev.state().equals(JobStore.DONE)).count(),
            "job " + id + " ended done exactly once: " + store.events(id));
        int epochs = id == deterministic ? DETERMINISTIC_EPOCHS : EPOCHS;
        List<JsonNode> lines = RunDirectory.readMetrics(runs.resolve("job-" + id));
        assertEquals(epochs, lines.size(), "job " + id + ": each epoch exactly once: " + lines);
        for (int i = 0; i < epochs; i++) {
          assertEquals(i + 1, lines.get(i).get("epoch").asInt(), "job " + id + " metrics in order");
        }
      }
    }
    ExperimentSettings settings = ExperimentSettings.from(ConfigLoader.parse(deterministicText, "reference",
        List.of()));
    var outcome = RunService.run(RunService.prepare(settings), RunDirectory.at(tmp.resolve("reference")),
        false, line -> { }, settings.source());
    assertTrue(outcome.succeeded(), outcome.error());
    assertEquals(withoutTimes(RunDirectory.readMetrics(tmp.resolve("reference"))),
        withoutTimes(RunDirectory.readMetrics(runs.resolve("job-" + deterministic))), "the deterministic job");
    System.out.println("ClusterChaos: every check passed");
  }

  private static String brief(JsonNode jobs) {
    StringBuilder out = new StringBuilder();
    for (JsonNode job : jobs) {
      out.append(job.get("id").asText()).append(':').append(job.get("state").asText()).append('@')
          .append(job.get("epoch").asText()).append(' ');
    }
    return out.toString().trim();
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
