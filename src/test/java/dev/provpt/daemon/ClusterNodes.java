package dev.provpt.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** `provpt serve` cluster nodes as processes on loopback, for the cluster tests and the benchmark. */
final class ClusterNodes {
  private ClusterNodes() {}

  /** One node process: its cluster port, its HTTP port once it listens, its log file. */
  static final class Node {
    final String name;
    final int clusterPort;
    final Path log;
    final Process process;
    int httpPort = -1;

    Node(String name, int clusterPort, Path log, Process process) {
      this.name = name;
      this.clusterPort = clusterPort;
      this.log = log;
      this.process = process;
    }

    String logText() throws IOException {
      return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Whether {@code owner} (a job's node field) names this node's address. */
    boolean owns(String owner) {
      return owner != null && owner.contains("@127.0.0.1:" + clusterPort + "#");
    }

    Node awaitListening(Duration timeout) throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (String line : logText().lines().toList()) {
          if (line.contains("listening on port ")) {
            httpPort = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim());
            return this;
          }
        }
        if (!process.isAlive()) {
          throw new AssertionError(name + " exited: " + logText());
        }
        Thread.sleep(200);
      }
      throw new AssertionError(name + " did not start listening: " + logText());
    }

    void kill() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL
      process.waitFor(30, TimeUnit.SECONDS);
    }

    void signal(String signal) throws Exception {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Starts {@code provpt serve} in cluster mode; {@code extra} are further --set overrides. */
  static Node start(String name, Path dir, int clusterPort, List<Integer> seeds, String databaseUrl, Path runs,
      String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.provpt.cli.Main", "serve"));
    List<String> sets = new ArrayList<>(List.of("daemon.port=0", "daemon.state-dir=\"" + dir.resolve(name) + "\"",
        "daemon.runs-dir=\"" + runs + "\"", "cluster.enabled=true", "cluster.port=" + clusterPort,
        "cluster.seed-nodes=[" + String.join(",", seeds.stream().map(p -> "\"127.0.0.1:" + p + "\"").toList()) + "]",
        "cluster.database.url=\"" + databaseUrl + "\"", "cluster.database.user=postgres"));
    sets.addAll(List.of(extra));
    for (String set : sets) {
      command.add("--set");
      command.add(set);
    }
    Files.createDirectories(dir);
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    return new Node(name, clusterPort, log, builder.start());
  }

  static JsonNode get(int port, String path) throws Exception {
    var response = DaemonTest.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return DaemonTest.JSON.readTree(response.body());
  }

  static long submit(int port, String text) throws Exception {
    var response = DaemonTest.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs"))
        .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      throw new AssertionError(response.statusCode() + " " + response.body());
    }
    return DaemonTest.JSON.readTree(response.body()).get("id").asLong();
  }
}
