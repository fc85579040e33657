package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.SettingsException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon in-process: jobs through the HTTP API, bad input isolated, restart resumes. */
class DaemonTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  static Path tmp;
  static Path backbone;

  @BeforeAll
  static void exportBackbone() throws Exception {
    backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
  }

  private static String experiment(String name, String method, int epochs, String... extra) {
    return experiment(backbone, name, method, epochs, extra);
  }

  /** A small experiment on {@code backbone} (each test class exports its own into its own temporary directory). */
  static String experiment(Path backbone, String name, String method, int epochs, String... extra) {
    List<String> lines = new ArrayList<>(List.of("provpt {", "  name = " + name, "  backbone = \"" + backbone + "\"",
        "  method = " + method, "  train.epochs = " + epochs, "  train.batch-size = 16", "  prompts.per-block = 2",
        "  ppo.k-epochs = 5",
        "  data { train-size = 40, val-size = 20, shapes.pool-per-class = 6, shapes.test-per-class = 3 }"));
    lines.addAll(List.of(extra));
    lines.add("}");
    return String.join("\n", lines) + "\n";
  }

  static Daemon start(Path state, String... extra) throws Exception {
    List<String> overrides = new ArrayList<>(List.of("daemon.port=0", "daemon.state-dir=\"" + state + "\"",
        "daemon.max-request-bytes=8192"));
    overrides.addAll(List.of(extra));
    return Daemon.start(ConfigLoader.load(null, overrides));
  }

  static HttpResponse<String> call(Daemon daemon, String method, String path, String body, String token) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode job(Daemon daemon, long id) throws Exception {
    return JSON.readTree(call(daemon, "GET", "/jobs/" + id, null, null).body());
  }

  static JsonNode await(Daemon daemon, long id, java.util.function.Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = job(daemon, id);
      if (until.test(job)) {
        return job;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("job " + id + " did not get there: " + job(daemon, id));
  }

  static long submit(Daemon daemon, String text) throws Exception {
    var response = call(daemon, "POST", "/jobs", text, null);
    assertEquals(201, response.statusCode(), response.body());
    return JSON.readTree(response.body()).get("id").asLong();
  }

  static boolean ended(JsonNode job) {
    return List.of("done", "failed", "cancelled").contains(job.get("state").asText());
  }

  @Test
  void jobsRunBadInputFailsAloneAndTheDaemonKeepsServing() throws Exception {
    try (Daemon daemon = start(tmp.resolve("state-a"))) {
      long deep = submit(daemon, experiment("deep", "vpt-deep", 2));
      // a valid file with an invalid value, or data that is not there: refused at submission with the run's message
      var badValue = call(daemon, "POST", "/jobs", experiment("bad", "vpt-deep", 2, "  train.base-lr = -3"), null);
      assertEquals(400, badValue.statusCode(), badValue.body());
      assertTrue(badValue.body().contains("provpt.train.base-lr must be a number > 0.0"), badValue.body());
      var badData = call(daemon, "POST", "/jobs", experiment("nodata", "vpt-deep", 2, "  data.kind = idx",
          "  data.idx { train-images = \"/nowhere/a.gz\", train-labels = \"/nowhere/b.gz\","
              + " test-images = \"/nowhere/c.gz\", test-labels = \"/nowhere/d.gz\" }"), null);
      assertEquals(400, badData.statusCode(), badData.body());
      assertTrue(badData.body().contains("/nowhere/a.gz"), badData.body());
      // data files that exist but cannot be read: only loading can tell, so the job fails alone
      Path garbage = Files.writeString(tmp.resolve("garbage.gz"), "not an IDX file");
      long corrupt = submit(daemon, experiment("corrupt", "vpt-deep", 2, "  data.kind = idx",
          "  data.idx { train-images = \"" + garbage + "\", train-labels = \"" + garbage + "\","
              + " test-images = \"" + garbage + "\", test-labels = \"" + garbage + "\" }"));
      long pro = submit(daemon, experiment("pro", "pro-vpt", 3));
      // a backbone holding a NaN weight: the loss turns NaN in the first step
      Path nanBackbone = dev.provpt.TestBackbones.exportWithNaN(tmp.resolve("nan-backbone"));
      long nan = submit(daemon, experiment("nan", "vpt-deep", 2).replace(backbone.toString(), nanBackbone.toString()));

      // refused at the door: malformed HOCON, an unknown key, a body over the limit
      var malformed = call(daemon, "POST", "/jobs", "provpt { train { epochs = ", null);
      assertEquals(400, malformed.statusCode());
      var unknown = call(daemon, "POST", "/jobs", "provpt.train.epocs = 3", null);
      assertEquals(400, unknown.statusCode());
      assertTrue(unknown.body().contains("unknown key provpt.train.epocs"), unknown.body());
      var huge = call(daemon, "POST", "/jobs", "# " + "x".repeat(20_000), null);
      assertEquals(413, huge.statusCode(), huge.body());

      JsonNode deepJob = await(daemon, deep, DaemonTest::ended);
      assertEquals("done", deepJob.get("state").asText(), deepJob.toString());
      assertEquals(2, deepJob.get("epoch").asInt());
      JsonNode corruptJob = await(daemon, corrupt, DaemonTest::ended);
      assertEquals("failed", corruptJob.get("state").asText());
      assertTrue(corruptJob.get("error").asText().contains("garbage.gz"), corruptJob.toString());
      JsonNode nanJob = await(daemon, nan, DaemonTest::ended);
      assertEquals("failed", nanJob.get("state").asText());
      assertTrue(nanJob.get("error").asText().contains("training loss became NaN"), nanJob.toString());
      JsonNode proJob = await(daemon, pro, DaemonTest::ended);
      assertEquals("done", proJob.get("state").asText(), proJob.toString());

      var metrics = call(daemon, "GET", "/jobs/" + pro + "/metrics", null, null);
      assertEquals(3, metrics.body().lines().count());
      assertEquals(200, call(daemon, "GET", "/jobs/" + pro + "/files/accuracy.png", null, null).statusCode());
      assertEquals(404, call(daemon, "GET", "/jobs/99/", null, null).statusCode());
      var page = call(daemon, "GET", "/", null, null);
      assertTrue(page.body().contains("provpt jobs"), page.body());
      assertEquals(4, JSON.readTree(call(daemon, "GET", "/jobs", null, null).body()).size(), "refused jobs are not queued");
    }
  }

  @Test
  void aRestartedDaemonResumesTheInterruptedJob() throws Exception {
    Path state = tmp.resolve("state-b");
    long id;
    try (Daemon daemon = start(state)) {
      id = submit(daemon, experiment("long", "pro-vpt", 6));
      await(daemon, id, job -> job.get("epoch").asInt() >= 2);
    } // stopped mid-run: the job is still "running" in the database
    try (Daemon daemon = start(state)) {
      JsonNode done = await(daemon, id, DaemonTest::ended);
      assertEquals("done", done.get("state").asText(), done.toString());
      List<String> lines = Files.readAllLines(Path.of(done.get("run_dir").asText()).resolve("metrics.jsonl"));
      assertEquals(6, lines.size(), "gap-free metrics: " + lines);
      for (int i = 0; i < 6; i++) {
        assertEquals(i + 1, JSON.readTree(lines.get(i)).get("epoch").asInt());
      }
    }
  }

  @Test
  void cancellingAQueuedOrRunningJob() throws Exception {
    // One job at a time, so the second one really waits: with the default two slots it starts at once and, being
    // short, can end before the cancel arrives.
    try (Daemon daemon = start(tmp.resolve("state-c"), "daemon.max-concurrent=1")) {
      long running = submit(daemon, experiment("slow", "vpt-deep", 50));
      long queued = submit(daemon, experiment("waiting", "vpt-deep", 2));
      await(daemon, running, job -> job.get("state").asText().equals("running"));
      assertEquals(202, call(daemon, "POST", "/jobs/" + queued + "/cancel", null, null).statusCode());
      assertEquals("cancelled", await(daemon, queued, DaemonTest::ended).get("state").asText());
      call(daemon, "POST", "/jobs/" + running + "/cancel", null, null);
      assertEquals("cancelled", await(daemon, running, DaemonTest::ended).get("state").asText());
    }
  }

  @Test
  void anyAddressButLoopbackNeedsAToken() throws Exception {
    var e = assertThrows(SettingsException.class, () -> start(tmp.resolve("state-d"), "daemon.host=0.0.0.0"));
    assertTrue(e.getMessage().contains("provpt.daemon.token"), e.getMessage());
    try (Daemon daemon = start(tmp.resolve("state-e"), "daemon.host=0.0.0.0", "daemon.token=s3cret")) {
      assertEquals(401, call(daemon, "GET", "/jobs", null, null).statusCode());
      assertEquals(401, call(daemon, "GET", "/jobs", null, "wrong").statusCode());
      assertEquals(200, call(daemon, "GET", "/jobs", null, "s3cret").statusCode());
    }
  }
}
