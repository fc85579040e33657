package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.RunService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as its own process, killed hard (SIGKILL) at random moments and restarted: -Dprovpt.kills (1 by
 * default) kills, each a random wait (up to -Dprovpt.kills.max-delay-ms) after the jobs record an epoch, drawn from a printed seed (-Dprovpt.kills.seed to
 * replay). Both jobs end done exactly once with every epoch once; the deterministic one equals an uninterrupted run.
 */
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
    long deadline = System.nanoTime() + Duration.ofSeconds(600).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = get(port, "/jobs/" + id);
      if (until.test(job)) {
        return job;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job " + id + " did not get there: " + get(port, "/jobs/" + id));
  }

  /** The number of SIGKILLs (-Dprovpt.kills, 1 by default so CI's time does not grow). */
  private static final int KILLS = Integer.getInteger("provpt.kills", 1);
  /** The longest wait, after a daemon listens, before it is killed (-Dprovpt.kills.max-delay-ms). */
  private static final long MAX_DELAY_MS = Long.getLong("provpt.kills.max-delay-ms", 2000L);

  @Test
  void twoJobsFinishGapFreeAfterTheDaemonIsKilledAtRandomMoments() throws Exception {
    long seed = Long.getLong("provpt.kills.seed", System.nanoTime());
    System.out.println("DaemonKillTest: " + KILLS + " kill(s), -Dprovpt.kills.seed=" + seed);
    Random random = new Random(seed);
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path state = tmp.resolve("killed-state");
    int oneEpochs = Math.max(8, 2 * KILLS);
    int twoEpochs = Math.max(3, KILLS);
    // the deterministic job: one TensorFlow thread, compared with an uninterrupted run at the end
    String deterministic = DaemonTest.experiment(backbone, "second", "vpt-deep", twoEpochs, "  tensorflow-threads = 1");
    long one = -1;
    long two = -1;
    for (int kill = 1; kill <= KILLS; kill++) {
      CompletableFuture<Integer> port = new CompletableFuture<>();
      Process daemon = serve(state, port);
      try {
        int p = port.get(90, TimeUnit.SECONDS);
        if (kill == 1) {
          one = submit(p, DaemonTest.experiment(backbone, "first", "pro-vpt", oneEpochs));
          two = submit(p, deterministic);
        }
        // each kill while a job trains: once the jobs have recorded an epoch since the last kill (or 60 s
        // passed, or both are done), then a random wait
        int seen = progress(get(p, "/jobs"));
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (progress(get(p, "/jobs")) == seen && seen < oneEpochs + twoEpochs && System.nanoTime() < until) {
          Thread.sleep(100);
        }
        long delay = random.nextLong(MAX_DELAY_MS + 1);
        Thread.sleep(delay);
        System.out.println("DaemonKillTest: kill " + kill + " after " + delay + " ms, jobs " + brief(get(p, "/jobs")));
      } finally {
        daemon.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye
        daemon.waitFor(30, TimeUnit.SECONDS);
      }
    }
    CompletableFuture<Integer> lastPort = new CompletableFuture<>();
    Process last = serve(state, lastPort);
    try {
      int port = lastPort.get(90, TimeUnit.SECONDS);
      checkDoneOnce(port, one, oneEpochs);
      checkDoneOnce(port, two, twoEpochs);
      assertTrue(get(port, "/jobs").size() == 2);
      // the deterministic job, killed and resumed, equals an uninterrupted run
      ExperimentSettings settings = ExperimentSettings.from(ConfigLoader.parse(deterministic, "reference", List.of()));
      var outcome = RunService.run(RunService.prepare(settings), RunDirectory.at(tmp.resolve("reference")),
          false, line -> { }, settings.source());
      assertTrue(outcome.succeeded(), outcome.error());
      Path killed = Path.of(get(port, "/jobs/" + two).get("run_dir").asText());
      assertEquals(withoutTimes(RunDirectory.readMetrics(tmp.resolve("reference"))),
          withoutTimes(RunDirectory.readMetrics(killed)), "seed " + seed);
    } finally {
      last.destroy();
      last.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Job {@code id} ends done, with one done event and each of its {@code epochs} once in its metrics. */
  private static void checkDoneOnce(int port, long id, int epochs) throws Exception {
    JsonNode job = await(port, id, j -> List.of("done", "failed", "cancelled").contains(j.get("state").asText()));
    assertEquals("done", job.get("state").asText(), job.toString());
    JsonNode events = get(port, "/status/jobs/" + id).get("events");
    long dones = 0;
    for (JsonNode event : events) {
      dones += event.get("state").asText().equals("done") ? 1 : 0;
    }
    assertEquals(1, dones, "job " + id + " ended done exactly once: " + events);
    List<String> lines = Files.readAllLines(Path.of(job.get("run_dir").asText()).resolve("metrics.jsonl"));
    assertEquals(epochs, lines.size(), "job " + id + " metrics: " + lines);
    for (int i = 0; i < epochs; i++) {
      assertEquals(i + 1, DaemonTest.JSON.readTree(lines.get(i)).get("epoch").asInt(), "job " + id);
    }
  }

  /** The epochs recorded, summed over the jobs. */
  private static int progress(JsonNode jobs) {
    int sum = 0;
    for (JsonNode job : jobs) {
      sum += job.get("epoch").asInt();
    }
    return sum;
  }

  /** Each job's state and epoch, for the log line of a kill. */
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
