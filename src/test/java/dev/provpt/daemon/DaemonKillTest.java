package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as its own process, killed hard (SIGKILL) mid-run and restarted. */
@Tag("slow")
class DaemonKillTest {
  @TempDir
  Path tmp;


  /** A `provpt serve` process on a free port; returns it once it listens. */
  private static Process serve(Path state, CompletableFuture<Integer> port) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g", "-cp", System.getProperty("java.class.path"), "dev.provpt.cli.Main", "serve",
        "--set", "daemon.port=0", "--set", "daemon.state-dir=\"" + state + "\"");
    builder.redirectErrorStream(true);
    builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process process = builder.start();
    Thread reader = new Thread(() -> {
      try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (line.contains("listening on port ")) {
            port.complete(Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim()));
          }
        }
      } catch (Exception e) {
        port.completeExceptionally(e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    return process;
  }

  private static JsonNode get(int port, String path) throws Exception {
    var response = DaemonTest.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return DaemonTest.JSON.readTree(response.body());
  }

  private static long submit(int port, String text) throws Exception {
    var response = DaemonTest.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs"))
        .POST(HttpRequest.BodyPublishers.ofString(text)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, response.statusCode(), response.body());
    return DaemonTest.JSON.readTree(response.body()).get("id").asLong();
  }

  private static JsonNode await(int port, long id, java.util.function.Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = get(port, "/jobs/" + id);
      if (until.test(job)) {
        return job;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job " + id + " did not get there: " + get(port, "/jobs/" + id));
  }

  @Test
  void twoJobsFinishGapFreeAfterTheDaemonIsKilledMidRun() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path state = tmp.resolve("killed-state");
    CompletableFuture<Integer> firstPort = new CompletableFuture<>();
    Process first = serve(state, firstPort);
    long one;
    long two;
    try {
      int port = firstPort.get(60, TimeUnit.SECONDS);
      one = submit(port, DaemonTest.experiment(backbone, "first", "pro-vpt", 8));
      two = submit(port, DaemonTest.experiment(backbone, "second", "vpt-deep", 3));
      await(port, one, job -> job.get("epoch").asInt() >= 3);
    } finally {
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye
      first.waitFor(30, TimeUnit.SECONDS);
    }
    CompletableFuture<Integer> secondPort = new CompletableFuture<>();
    Process second = serve(state, secondPort);
    try {
      int port = secondPort.get(60, TimeUnit.SECONDS);
      for (long id : List.of(one, two)) {
        JsonNode job = await(port, id, j -> List.of("done", "failed", "cancelled").contains(j.get("state").asText()));
        assertEquals("done", job.get("state").asText(), job.toString());
        List<String> lines = Files.readAllLines(Path.of(job.get("run_dir").asText()).resolve("metrics.jsonl"));
        int epochs = id == one ? 8 : 3;
        assertEquals(epochs, lines.size(), "job " + id + " metrics: " + lines);
        for (int i = 0; i < epochs; i++) {
          assertEquals(i + 1, DaemonTest.JSON.readTree(lines.get(i)).get("epoch").asInt(), "job " + id);
        }
      }
      assertTrue(get(port, "/jobs").size() == 2);
    } finally {
      second.destroy();
      second.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
