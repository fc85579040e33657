package dev.provpt.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The scheduling benchmark behind docs/SCALING.md (run by scripts/bench-cluster.sh, skipped in
 * the normal suite): three cluster nodes with {@code provpt.daemon.dry-run-jobs} (a claimed job
 * ends done at once), {@code JOBS} jobs committed to the queue in one transaction, and the time
 * until the last one is done. Prints one JSON object and writes it to target/cluster-bench.json.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "bench.cluster", matches = "true")
class ClusterBenchmark {
  private static final int JOBS = Integer.getInteger("bench.cluster.jobs", 1000);
  private static final int NODES = 3;

  @Test
  void claimsPerSecondAndSchedulingOverheadPerJob() throws Exception {
    Path dir = Files.createTempDirectory("provpt-bench");
    String database = TestPostgres.freshDatabase();
    Path runs = dir.resolve("runs");
    String[] settings = {"daemon.dry-run-jobs=true", "cluster.poll-every=200ms", "cluster.lease=30s",
        "cluster.renew-every=5s", "cluster.split-brain-resolver.stable-after=2s", "cluster.join-timeout=60s"};
    List<ClusterNodes.Node> nodes = new ArrayList<>();
    try {
      int firstPort = ClusterNodes.freePort();
      nodes.add(ClusterNodes.start("n1", dir, firstPort, List.of(firstPort), database, runs, settings)
          .awaitListening(Duration.ofSeconds(90)));
      for (int i = 2; i <= NODES; i++) {
        nodes.add(ClusterNodes.start("n" + i, dir, ClusterNodes.freePort(), List.of(firstPort), database, runs,
            settings));
      }
      for (ClusterNodes.Node node : nodes) {
        node.awaitListening(Duration.ofSeconds(90));
      }
      awaitMembers(nodes.get(0), NODES);

      Instant committed;
      try (Connection c = DriverManager.getConnection(database, "postgres", "")) {
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement(
            "INSERT INTO jobs (name, state, config, created, updated) VALUES (?, 'queued', '', ?, ?)")) {
          String now = Instant.now().toString();
          for (int i = 0; i < JOBS; i++) {
            s.setString(1, "bench-" + i);
            s.setString(2, now);
            s.setString(3, now);
            s.addBatch();
          }
          s.executeBatch();
        }
        c.commit();
        committed = Instant.now();
      }
      Instant drained = null;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      try (PostgresJobStore store = PostgresJobStore.connect(database, "postgres", "", 1)) {
        while (System.nanoTime() < deadline) {
          if (store.list().stream().allMatch(j -> j.state().equals(JobStore.DONE))) {
            drained = Instant.now();
            break;
          }
          Thread.sleep(50);
        }
        if (drained == null) {
          throw new AssertionError("the queue did not drain");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("nodes", NODES);
        result.put("jobs", JOBS);
        // from the database's own records: first claim to last end
        List<Instant> claims = new ArrayList<>();
        List<Instant> ends = new ArrayList<>();
        Map<String, Integer> perNode = new LinkedHashMap<>();
        for (JobStore.Job job : store.list()) {
          for (JobStore.Event e : store.events(job.id())) {
            if (e.state().equals(JobStore.RUNNING)) {
              claims.add(Instant.parse(e.at()));
              perNode.merge(e.owner(), 1, Integer::sum);
            } else if (e.state().equals(JobStore.DONE)) {
              ends.add(Instant.parse(e.at()));
            }
          }
        }
        Instant first = claims.stream().min(Instant::compareTo).orElseThrow();
        Instant last = ends.stream().max(Instant::compareTo).orElseThrow();
        double window = Duration.between(first, last).toNanos() / 1e9;
        result.put("claims", claims.size());
        result.put("drain_seconds", round(window));
        result.put("claims_per_second", round(claims.size() / window));
        // each node claims and finishes one job after another: its time per job is the scheduling overhead
        result.put("scheduling_overhead_ms_per_job_per_node", round(window * 1000 * NODES / claims.size()));
        result.put("commit_to_drained_seconds", round(Duration.between(committed, drained).toNanos() / 1e9));
        result.put("claims_per_node", new ArrayList<>(perNode.values()));
        var response = DaemonTest.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + nodes.get(0).httpPort + "/jobs")).build(), HttpResponse.BodyHandlers.ofByteArray());
        result.put("get_jobs_bytes", response.body().length);
        long t = System.nanoTime();
        DaemonTest.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.get(0).httpPort + "/jobs"))
            .build(), HttpResponse.BodyHandlers.ofByteArray());
        result.put("get_jobs_ms", round((System.nanoTime() - t) / 1e6));

        // membership: SIGKILL one node, time until the others have removed it
        long killed = System.nanoTime();
        nodes.get(NODES - 1).kill();
        awaitMembers(nodes.get(0), NODES - 1);
        result.put("split_brain_resolver_stable_after_seconds", 2);
        result.put("kill_to_removed_seconds", round((System.nanoTime() - killed) / 1e9));

        String json = DaemonTest.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        System.out.println("CLUSTER-BENCH " + DaemonTest.JSON.writeValueAsString(result));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/cluster-bench.json"), json + "\n");
      }
    } finally {
      for (ClusterNodes.Node node : nodes) {
        node.kill();
      }
    }
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static void awaitMembers(ClusterNodes.Node asked, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode cluster = ClusterNodes.get(asked.httpPort, "/cluster");
      int up = 0;
      for (JsonNode m : cluster.get("members")) {
        up += m.get("status").asText().equals("Up") && m.get("reachable").asBoolean() ? 1 : 0;
      }
      if (up == count && cluster.get("members").size() == count) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the cluster did not settle at " + count + " members");
  }
}
