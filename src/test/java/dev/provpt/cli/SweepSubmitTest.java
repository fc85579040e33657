package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.Console;
import dev.provpt.config.ConfigLoader;
import dev.provpt.daemon.Daemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** provpt sweep --submit / --collect against a daemon: keyed, idempotent jobs; the report from the finished jobs. */
class SweepSubmitTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private record Outcome(int code, String out, String err) {}

  private static Outcome execute(String... args) {
    Console<Integer> console = Console.capture(() -> Main.execute(args));
    return new Outcome(console.value(), console.out(), console.err());
  }

  private static JsonNode jobs(String url) throws Exception {
    return JSON.readTree(DaemonCommands.request(url, "GET", "/jobs", null));
  }

  private static void awaitAllEnded(String url) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      boolean ended = true;
      for (JsonNode job : jobs(url)) {
        ended &= List.of("done", "failed", "cancelled").contains(job.get("state").asText());
      }
      if (ended) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("jobs did not end: " + jobs(url));
  }

  private static List<String> iterableKeys(JsonNode jobs) {
    List<String> keys = new java.util.ArrayList<>();
    jobs.forEach(job -> keys.add(job.get("key").asText()));
    return keys;
  }

  @Test
  void aSweepSubmittedTwiceAddsNothingAndIsCollectedFromItsJobs() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path file = Files.writeString(tmp.resolve("sweep.conf"), String.join("\n", "provpt {", "  name = small",
        "  backbone = \"" + backbone + "\"", "  method = vpt-deep", "  train.epochs = 2", "  train.batch-size = 16",
        "  prompts.per-block = 2",
        "  data { train-size = 40, val-size = 20, shapes.pool-per-class = 6, shapes.test-per-class = 3 }",
        "  sweep { base-lr = [0.5, 0.1], weight-decay = [0], seeds = [1, 2] }", "}") + "\n");
    try (Daemon daemon = Daemon.start(ConfigLoader.load(null, List.of("daemon.port=0",
        "daemon.state-dir=\"" + tmp.resolve("state") + "\"")))) {
      String url = "http://127.0.0.1:" + daemon.port();
      Outcome first = execute("sweep", "-c", file.toString(), "--submit", "--url", url);
      assertEquals(0, first.code(), first.err());
      assertTrue(first.out().contains("2 job(s) added"), first.out());
      Outcome again = execute("sweep", "-c", file.toString(), "--submit", "--url", url);
      assertTrue(again.out().contains("0 job(s) added"), again.out());
      assertEquals(2, jobs(url).size());

      Outcome early = execute("sweep", "-c", file.toString(), "--collect", "--url", url);
      assertEquals(2, early.code());
      assertTrue(early.err().contains("not done yet"), early.err());

      awaitAllEnded(url);
      Outcome finals = execute("sweep", "-c", file.toString(), "--submit", "--url", url);
      assertTrue(finals.out().contains("grid done") && finals.out().contains("2 job(s) added"), finals.out());
      assertEquals(0, execute("sweep", "-c", file.toString(), "--submit", "--url", url).code());
      assertEquals(4, jobs(url).size(), "the final runs are queued once");
      awaitAllEnded(url);
      for (JsonNode job : jobs(url)) {
        assertEquals("done", job.get("state").asText(), job.toString());
        assertTrue(job.get("key").asText().matches("sweep-[0-9a-f]{12}/(grid-lr.*|final-seed[12])"), job.toString());
      }
      Path report = tmp.resolve("report");
      Outcome collected = execute("sweep", "-c", file.toString(), "--collect", "--url", url, "--out",
          report.toString());
      assertEquals(0, collected.code(), collected.err());
      JsonNode json = JSON.readTree(report.resolve("report.json").toFile());
      assertEquals(2, json.get("grid").size());
      // every grid run's curves, from its job's metrics.jsonl: the best of them is its row's best val acc
      for (int i = 0; i < 2; i++) {
        JsonNode curve = json.get("grid_curves").get(i);
        assertEquals(json.get("grid").get(i).get("run"), curve.get("run"));
        assertEquals(2, curve.get("val_acc").size());
        assertEquals(2, curve.get("train_loss").size());
        assertEquals(json.get("grid").get(i).get("best_val_acc").asDouble(), Math.max(
            curve.get("val_acc").get(0).asDouble(), curve.get("val_acc").get(1).asDouble()), 0);
      }
      assertEquals(2, json.get("final").size());
      assertEquals(2, json.get("test_acc_per_seed").size());
      assertTrue(Files.readString(report.resolve("report.md")).contains("Test accuracy over seeds"));
    }
  }

  @Test
  void variantsAreQueuedOnceAfterTheGridAndCollectedWithTheirFilesAndReadyConfigs() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path file = Files.writeString(tmp.resolve("sweep.conf"), String.join("\n", "provpt {", "  name = small",
        "  backbone = \"" + backbone + "\"", "  method = vpt-deep", "  train.epochs = 1", "  train.batch-size = 16",
        "  prompts.per-block = 1",
        "  data { train-size = 40, val-size = 20, shapes.pool-per-class = 6, shapes.test-per-class = 3 }",
        "  sweep { base-lr = [0.5], weight-decay = [0, 0.001], seeds = [1, 2]",
        "    variants { vpt-deep { method = vpt-deep }, pro-vpt { method = pro-vpt } } }", "}") + "\n");
    try (Daemon daemon = Daemon.start(ConfigLoader.load(null, List.of("daemon.port=0",
        "daemon.state-dir=\"" + tmp.resolve("state") + "\"")))) {
      String url = "http://127.0.0.1:" + daemon.port();
      assertTrue(execute("sweep", "-c", file.toString(), "--submit", "--url", url).out().contains("2 job(s) added"));
      assertTrue(execute("sweep", "-c", file.toString(), "--submit", "--url", url).out().contains("0 job(s) added"));
      assertEquals(2, jobs(url).size(), "only the grid until it is done");
      awaitAllEnded(url);
      Outcome finals = execute("sweep", "-c", file.toString(), "--submit", "--url", url);
      assertTrue(finals.out().contains("grid done") && finals.out().contains("4 job(s) added"), finals.out());
      assertTrue(execute("sweep", "-c", file.toString(), "--submit", "--url", url).out().contains("0 job(s) added"));
      assertEquals(6, jobs(url).size(), "every variant x seed is queued once");
      awaitAllEnded(url);
      for (JsonNode job : jobs(url)) {
        assertEquals("done", job.get("state").asText(), job.toString());
        assertTrue(job.get("key").asText().matches("sweep-[0-9a-f]{12}/(grid-lr.*|(vpt-deep|pro-vpt)-seed[12])"),
            job.toString());
      }
      Path report = tmp.resolve("results").resolve("deep");
      Path configs = tmp.resolve("configs");
      Outcome collected = execute("sweep", "-c", file.toString(), "--collect", "--url", url, "--out",
          report.toString(), "--configs", configs.toString());
      assertEquals(0, collected.code(), collected.err());
      JsonNode json = JSON.readTree(report.resolve("report.json").toFile());
      assertEquals(2, json.get("variants").size());
      assertEquals(4, json.get("final").size());
      for (String variant : List.of("vpt-deep", "pro-vpt")) {
        for (int seed : List.of(1, 2)) {
          Path run = report.resolve(variant + "-seed" + seed);
          for (String name : List.of("summary.json", "metrics.jsonl", "config.conf")) {
            assertTrue(Files.isRegularFile(run.resolve(name)), run + "/" + name);
          }
          assertTrue(!Files.exists(run.resolve("checkpoints")) && !Files.exists(run.resolve("tensorboard")));
          assertEquals(variant, JSON.readTree(run.resolve("summary.json").toFile()).get("method").asText());
        }
        String conf = Files.readString(configs.resolve(variant + ".conf"));
        assertTrue(conf.contains("train-on-train-val=true") && conf.contains("method=" + variant), conf);
      }
      String commands = Files.readString(report.resolve("commands.txt"));
      assertTrue(commands.contains("--submit") && commands.contains("--collect")
          && commands.contains(configs.resolve("pro-vpt.conf") + " --set seed=2"), commands);
      // the collected directory is what provpt report reads: the four final runs
      var results = dev.provpt.results.ResultsReport.read(List.of(report));
      assertEquals(4, results.runs().size());

      // variants added later reuse the grid; until a variant's runs are done, --partial collects the others; one
      // with its own seeds (one seed of the sweep's two) is complete when that run is done
      Files.writeString(file, Files.readString(file).replace("pro-vpt { method = pro-vpt } }",
          "pro-vpt { method = pro-vpt }, random-ppo { method = pro-vpt, pro-vpt.prune = random }, "
              + "deep-two { method = vpt-deep, prompts.per-block = 2, seeds = [2] } }"));
      Outcome added = execute("sweep", "-c", file.toString(), "--submit", "--url", url);
      assertTrue(added.out().contains("3 job(s) added") && added.out().contains("7 final run(s)")
          && added.out().contains("deep-two x 1"), added.out());
      assertTrue(iterableKeys(jobs(url)).stream().noneMatch(k -> k.endsWith("/deep-two-seed1")));
      for (JsonNode job : jobs(url)) {
        if (job.get("key").asText().contains("/random-ppo-")) {
          DaemonCommands.request(url, "POST", "/jobs/" + job.get("id").asLong() + "/cancel", null);
        }
      }
      awaitAllEnded(url);
      Outcome waiting = execute("sweep", "-c", file.toString(), "--collect", "--url", url, "--out",
          tmp.resolve("strict").toString());
      assertEquals(2, waiting.code());
      assertTrue(waiting.err().contains("not done yet"), waiting.err());
      Path partial = tmp.resolve("partial");
      Outcome some = execute("sweep", "-c", file.toString(), "--collect", "--partial", "--url", url, "--out",
          partial.toString(), "--configs", configs.toString());
      assertEquals(0, some.code(), some.err());
      JsonNode partialJson = JSON.readTree(partial.resolve("report.json").toFile());
      assertEquals(3, partialJson.get("variants").size());
      assertEquals(1, partialJson.get("pending_variants").size());
      assertEquals("random-ppo", partialJson.get("pending_variants").get(0).asText());
      assertEquals(5, partialJson.get("final").size());
      JsonNode two = null;
      for (JsonNode row : partialJson.get("variants")) {
        two = row.get("variant").asText().equals("deep-two") ? row : two;
      }
      assertTrue(two != null, partialJson.toString());
      assertEquals("[2]", two.get("seeds").toString());
      assertEquals(1, two.get("test_acc_per_seed").size());
      assertTrue(Files.isRegularFile(partial.resolve("deep-two-seed2/summary.json")));
      assertTrue(!Files.exists(partial.resolve("deep-two-seed1")));
      assertTrue(Files.readString(configs.resolve("deep-two.conf")).contains("seed=2"));
      assertTrue(Files.readString(partial.resolve("commands.txt")).contains("deep-two.conf --set seed=2"));
      assertTrue(!Files.exists(partial.resolve("random-ppo-seed1")), "nothing of a pending variant is copied");
      assertTrue(Files.readString(partial.resolve("report.md")).contains("random-ppo"));
    }
  }
}
