package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode refuses bad input at start with one line, having written nothing: an unreachable
 * database, a seed node nobody answers at, a runs directory that is not the shared one, a
 * database that belongs to another cluster.
 */
@Tag("cluster")
class ClusterStartTest {
  @TempDir
  Path tmp;

  private Daemon start(String database, Path runs, int clusterPort, List<Integer> seeds, String... extra)
      throws Exception {
    List<String> overrides = new ArrayList<>(List.of("daemon.port=0", "daemon.state-dir=\"" + tmp.resolve("state") + "\"",
        "daemon.runs-dir=\"" + runs + "\"", "cluster.enabled=true", "cluster.port=" + clusterPort,
        "cluster.seed-nodes=[" + String.join(",", seeds.stream().map(p -> "\"127.0.0.1:" + p + "\"").toList()) + "]",
        "cluster.database.url=\"" + database + "\"", "cluster.database.user=postgres", "cluster.join-timeout=5s"));
    overrides.addAll(List.of(extra));
    return Daemon.start(ConfigLoader.load(null, overrides));
  }

  private static void oneLine(Exception e, String expected) {
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  private static boolean hasSchema(String url) throws Exception {
    try (var c = DriverManager.getConnection(url, "postgres", ""); var r = c.createStatement().executeQuery(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
      r.next();
      return r.getInt(1) > 0;
    }
  }

  private static boolean empty(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return true;
    }
    try (var files = Files.list(dir)) {
      return files.findAny().isEmpty();
    }
  }

  @Test
  void anUnreachableDatabase() throws Exception {
    Path runs = tmp.resolve("runs");
    int nobody = ClusterNodes.freePort();
    int port = ClusterNodes.freePort();
    var e = assertThrows(ClusterStartException.class, () -> start("jdbc:postgresql://127.0.0.1:" + nobody + "/provpt",
        runs, port, List.of(port)));
    oneLine(e, "cannot reach the job database jdbc:postgresql://127.0.0.1:" + nobody + "/provpt");
    assertTrue(empty(runs));
  }

  @Test
  void aSeedNodeNobodyAnswersAt() throws Exception {
    String database = TestPostgres.freshDatabase();
    Path runs = tmp.resolve("runs");
    int seed = ClusterNodes.freePort();
    var e = assertThrows(ClusterStartException.class, () -> start(database, runs, ClusterNodes.freePort(),
        List.of(seed)));
    oneLine(e, "could not join the cluster through seed nodes [127.0.0.1:" + seed + "] within 5 s");
    assertFalse(hasSchema(database), "nothing written to the database");
    assertTrue(empty(runs));
  }

  @Test
  void aRunsDirectoryThatIsNotTheSharedOneAndADatabaseOfAnotherCluster() throws Exception {
    String database = TestPostgres.freshDatabase();
    Path shared = tmp.resolve("shared");
    int port = ClusterNodes.freePort();
    try (Daemon first = start(database, shared, port, List.of(port))) {
      assertTrue(Files.isRegularFile(shared.resolve(SharedRuns.MARKER)), "the first node leaves the probe file");
      assertTrue(first.port() > 0);
      var cluster = ClusterNodes.get(first.port(), "/cluster");
      assertEquals(cluster.get("self").asText(), cluster.get("leader").asText(),
          "the leader named as every member is, address#uid: " + cluster);
    }
    int rows;
    try (PostgresJobStore store = PostgresJobStore.connect(database, "postgres", "", 1)) {
      rows = store.list().size();
    }
    Path local = tmp.resolve("local");
    int second = ClusterNodes.freePort();
    var notShared = assertThrows(ClusterStartException.class, () -> start(database, local, second, List.of(second)));
    oneLine(notShared, "provpt.daemon.runs-dir " + local.toAbsolutePath() + " is not the runs directory cluster provpt shares");
    assertTrue(empty(local), "nothing written to the local directory");

    int third = ClusterNodes.freePort();
    var foreign = assertThrows(ClusterStartException.class, () -> start(database, shared, third, List.of(third),
        "cluster.cluster-id=other"));
    oneLine(foreign, "belongs to cluster provpt, not other");
    try (PostgresJobStore store = PostgresJobStore.connect(database, "postgres", "", 1)) {
      assertEquals(rows, store.list().size());
      assertEquals("provpt", store.identity().orElseThrow().clusterId());
    }

    // a database that is new, but a runs directory that already belongs to a cluster
    String fresh = TestPostgres.freshDatabase();
    int fourth = ClusterNodes.freePort();
    var claimed = assertThrows(ClusterStartException.class, () -> start(fresh, shared, fourth, List.of(fourth)));
    oneLine(claimed, "already belongs to a cluster");
    assertFalse(hasSchema(fresh));
  }

  @Test
  void noSeedNodes() throws Exception {
    var e = assertThrows(ClusterStartException.class, () -> start("jdbc:postgresql://127.0.0.1:1/x", tmp.resolve("r"),
        ClusterNodes.freePort(), List.of()));
    oneLine(e, "provpt.cluster.seed-nodes is empty");
  }

  /**
   * `provpt serve` as its own process, refused because its runs directory is not the cluster's:
   * its whole output is the one provpt: line (the connection pool it opened and closed says nothing).
   */
  @Test
  void aRefusedNodePrintsOnlyItsOneLine() throws Exception {
    String database = TestPostgres.freshDatabase();
    try (PostgresJobStore store = PostgresJobStore.connect(database, "postgres", "", 2)) {
      store.migrate();
      store.claimIdentity(new PostgresJobStore.Identity("provpt", "token-of-the-shared-directory"));
    }
    Path local = tmp.resolve("not-shared");
    Files.createDirectories(local);
    int port = ClusterNodes.freePort();
    ClusterNodes.Node node = ClusterNodes.start("refused", tmp.resolve("nodes"), port, List.of(port), database, local);
    assertTrue(node.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the refused node exits");
    assertEquals(2, node.process.exitValue());
    List<String> lines = node.logText().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), "one line: " + lines);
    assertTrue(lines.get(0).startsWith("provpt: provpt.daemon.runs-dir " + local), lines.get(0));
  }

  @Test
  void theCommandLinePrintsOneLine() throws Exception {
    var err = new java.io.ByteArrayOutputStream();
    var saved = System.err;
    int code;
    int nobody = ClusterNodes.freePort();
    try {
      System.setErr(new java.io.PrintStream(err, true));
      code = dev.provpt.cli.Main.execute("serve", "--set", "cluster.enabled=true", "--set",
          "cluster.database.url=\"jdbc:postgresql://127.0.0.1:" + nobody + "/x\"", "--set",
          "daemon.runs-dir=\"" + tmp.resolve("r") + "\"", "--set", "cluster.port=" + ClusterNodes.freePort(),
          "--set", "cluster.seed-nodes=[\"127.0.0.1:" + nobody + "\"]");
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, code);
    List<String> provptLines = err.toString().lines().filter(l -> l.startsWith("provpt: ")).toList();
    assertEquals(1, provptLines.size(), err.toString());
    assertTrue(provptLines.get(0).contains("cannot reach the job database"), provptLines.get(0));
  }
}
