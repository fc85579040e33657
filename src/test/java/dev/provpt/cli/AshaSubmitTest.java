package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provpt.Console;
import dev.provpt.config.ConfigLoader;
import dev.provpt.daemon.Daemon;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.sweep.Sweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * provpt sweep --submit with provpt.sweep.scheduler = asha: the daemon stops and promotes the grid points at rungs,
 * its decisions in the job store; a restart in the middle of a rung loses nothing and promotes nothing twice; the
 * run promoted to the top equals, bit for bit, the same grid point trained without a pause; --collect's report.md
 * says where each point stopped and why.
 */
class AshaSubmitTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Integer> RUNG_EPOCHS = List.of(2, 4, 8);

  @TempDir
  Path tmp;

  private static int execute(String... args) {
    Console<Integer> console = Console.capture(() -> Main.execute(args));
    assertEquals(0, console.value(), console.err());
    return console.value();
  }

  private static JsonNode get(String url, String path) throws Exception {
    return JSON.readTree(DaemonCommands.request(url, "GET", path, null));
  }

  /** Polls the sweep's status until {@code until} holds (each poll reads the store; no sleep stands for an event). */
  private static JsonNode await(String url, String sweep, Predicate<JsonNode> until, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      status = get(url, "/status/sweeps/" + sweep);
      if (until.test(status)) {
        return status;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("sweep " + sweep + " never got " + what + ": " + status);
  }

  private static List<JsonNode> grid(JsonNode status) {
    List<JsonNode> grid = new ArrayList<>();
    status.get("runs").forEach(r -> {
      if (r.get("phase").asText().equals("grid")) {
        grid.add(r);
      }
    });
    return grid;
  }

  /** A grid point trains between two rungs: an epoch recorded that is no rung's, in a job that runs. */
  private static boolean midRung(JsonNode status) {
    return status.get("asha").get("events").size() > 0 && grid(status).stream().anyMatch(r -> r.get("state").asText()
        .equals("running") && r.get("epoch").asInt() > 0 && !RUNG_EPOCHS.contains(r.get("epoch").asInt()));
  }

  private static boolean gridEnded(JsonNode status) {
    return grid(status).stream().allMatch(r -> List.of("done", "stopped", "failed", "cancelled").contains(
        r.get("state").asText()));
  }

  @Test
  void theDaemonStopsAndPromotesAtRungsThroughARestart() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path file = Files.writeString(tmp.resolve("sweep.conf"), String.join("\n", "provpt {", "  name = asha",
        "  backbone = \"" + backbone + "\"", "  method = vpt-deep", "  train.epochs = 8", "  train.batch-size = 16",
        "  prompts.per-block = 1", "  tensorflow-threads = 1",
        "  data { train-size = 40, val-size = 20, shapes.pool-per-class = 6, shapes.test-per-class = 3 }",
        "  sweep { base-lr = [0.1, 1.0], weight-decay = [0, 0.001], seeds = [1], scheduler = asha",
        "    asha { reduction-factor = 2, min-epochs = 2, rungs = 3 } }", "}") + "\n");
    Sweep sweep = new Sweep(file, List.of());
    Path state = tmp.resolve("state");
    List<String> settings = List.of("daemon.port=0", "daemon.state-dir=\"" + state + "\"");
    String id = sweep.id();
    try (Daemon daemon = Daemon.start(ConfigLoader.load(null, settings))) {
      String url = "http://127.0.0.1:" + daemon.port();
      execute("sweep", "-c", file.toString(), "--submit", "--url", url);
      JsonNode status = await(url, id, AshaSubmitTest::midRung, "a grid point between two rungs");
      assertEquals("asha", status.get("scheduler").asText());
    } // the daemon stops with a grid point in the middle of a rung
    try (Daemon daemon = Daemon.start(ConfigLoader.load(null, settings))) {
      String url = "http://127.0.0.1:" + daemon.port();
      JsonNode status = await(url, id, AshaSubmitTest::gridEnded, "its grid ended");
      checkDecisions(status);
      JsonNode asha = status.get("asha");
      // 4 points reach rung 0 (2 epochs), 2 go on to rung 1 (+2), 1 to rung 2 (+4): 16 epochs, not 32
      assertEquals(16, asha.get("epochs_trained").asInt());
      assertEquals(32, asha.get("grid_epochs").asInt());
      String pick = asha.get("pick").asText();
      JsonNode top = grid(status).stream().filter(r -> r.get("run").asText().equals(pick)).findFirst().orElseThrow();
      assertEquals("done", top.get("state").asText());
      assertEquals(2, top.get("rung").asInt());

      // the same grid point, never paused, as a plain job on the same daemon
      Sweep.RunSpec spec = sweep.gridRuns().stream().filter(s -> s.name().equals(pick)).findFirst().orElseThrow();
      long plain = JSON.readTree(DaemonCommands.request(url, "POST", "/jobs", sweep.jobText(spec))).get("id").asLong();
      execute("sweep", "-c", file.toString(), "--submit", "--url", url); // the final run, with ASHA's pick
      long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
      while (!List.of("done", "failed").contains(get(url, "/jobs/" + plain).get("state").asText())
          || !gridEnded(get(url, "/status/sweeps/" + id)) || get(url, "/status/sweeps/" + id).get("states")
          .has("queued") || get(url, "/status/sweeps/" + id).get("states").has("running")) {
        assertTrue(System.nanoTime() < deadline, "the final run and the plain job did not end");
        Thread.sleep(200);
      }
      sameRun(Path.of(top.get("run_dir").asText()), Path.of(get(url, "/jobs/" + plain).get("run_dir").asText()));

      Path report = tmp.resolve("report");
      execute("sweep", "-c", file.toString(), "--collect", "--url", url, "--out", report.toString());
      JsonNode json = JSON.readTree(report.resolve("report.json").toFile());
      assertEquals(pick, json.get("asha").get("pick").asText());
      JsonNode picked = null;
      for (JsonNode row : json.get("grid")) {
        picked = row.get("run").asText().equals(pick) ? row : picked;
      }
      assertEquals(picked.get("base_lr"), json.get("chosen").get("base_lr"), "the final runs train ASHA's pick");
      assertEquals(picked.get("weight_decay"), json.get("chosen").get("weight_decay"));
      assertEquals(8, picked.get("epochs").asInt());
      String md = Files.readString(report.resolve("report.md"));
      assertTrue(md.contains("Searched with ASHA") && md.contains("on a daemon"), md);
      assertTrue(md.contains("| " + pick + " | 8 | done, rank 1 of 1 at rung 2 (epoch 8), the top rung |"), md);
      assertTrue(md.contains("stopped at rung 0: rank 3 of 4 at rung 0 (epoch 2); the top 2 go on |")
          || md.contains("stopped at rung 0: rank 4 of 4"), md);
      assertTrue(md.contains("stopped at rung 1: rank 2 of 2 at rung 1 (epoch 4); the top 1 go on"), md);
    }
  }

  /**
   * Every point reported once per rung it reached, in order; each promotion from a rung once; the metrics of every
   * point gap-free up to its last rung's epoch; the states as ASHA left them (1 done, 3 stopped).
   */
  private static void checkDecisions(JsonNode status) throws Exception {
    Set<String> arrivals = new HashSet<>();
    for (JsonNode e : status.get("asha").get("events")) {
      assertTrue(arrivals.add(e.get("run").asText() + "@" + e.get("rung").asInt()), "reported twice: " + e);
    }
    assertEquals(7, arrivals.size(), "4 + 2 + 1 arrivals: " + status.get("asha").get("events"));
    int stopped = 0;
    for (JsonNode run : grid(status)) {
      int rung = run.get("rung").asInt();
      int epochs = RUNG_EPOCHS.get(rung);
      assertEquals(epochs, run.get("asha_epochs").asInt());
      List<String> lines = Files.readAllLines(Path.of(run.get("run_dir").asText()).resolve(RunDirectory.METRICS));
      assertEquals(epochs, lines.size(), run.get("run") + ": " + lines);
      for (int i = 0; i < epochs; i++) {
        assertEquals(i + 1, JSON.readTree(lines.get(i)).get("epoch").asInt());
      }
      stopped += run.get("state").asText().equals("stopped") ? 1 : 0;
      assertEquals(run.get("state").asText(), run.get("asha_state").asText());
    }
    assertEquals(3, stopped);
  }

  /** Two run directories trained the same: every metrics line (but times, and test at the paused epochs), the last
   *  checkpoint's prompts, head and optimizer state, the summary. */
  private static void sameRun(Path promoted, Path never) throws Exception {
    List<JsonNode> a = withoutTimes(promoted);
    List<JsonNode> b = withoutTimes(never);
    assertEquals(8, a.size());
    for (int rung : List.of(2, 4)) {
      assertFalse(a.get(rung - 1).get("test_acc").isNull(), "the pause at epoch " + rung + " evaluated test");
      ((ObjectNode) a.get(rung - 1)).remove("test_acc");
      ((ObjectNode) b.get(rung - 1)).remove("test_acc");
    }
    assertEquals(b, a);
    Path tuner = Path.of(Checkpoints.DIRECTORY, "epoch-0008", Checkpoints.TUNER);
    assertEquals(JSON.readTree(never.resolve(tuner).toFile()), JSON.readTree(promoted.resolve(tuner).toFile()),
        "prompts, head and momentum bit for bit");
    assertEquals(JSON.readTree(never.resolve(RunDirectory.SUMMARY).toFile()),
        JSON.readTree(promoted.resolve(RunDirectory.SUMMARY).toFile()));
  }

  private static List<JsonNode> withoutTimes(Path run) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve(RunDirectory.METRICS))) {
      ObjectNode node = (ObjectNode) JSON.readTree(line);
      node.remove(List.of("seconds", "phase_seconds"));
      lines.add(node);
    }
    return lines;
  }
}
