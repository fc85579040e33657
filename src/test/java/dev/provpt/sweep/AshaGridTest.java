package dev.provpt.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.RunService;
import dev.provpt.sweep.scheduler.AshaReplay;
import dev.provpt.sweep.scheduler.AshaSearch;
import dev.provpt.sweep.scheduler.AshaSettings;
import dev.provpt.sweep.scheduler.GridCurves;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** provpt sweep with scheduler = asha, in one process, on a tiny grid. */
class AshaGridTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;
  static Path backbone;

  @BeforeAll
  static void exportRandomBackbone() throws Exception {
    backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
  }

  private static Path experiment(String name, String sweep) throws Exception {
    return Files.writeString(tmp.resolve(name + ".conf"), String.join("\n", "provpt {", "  name = " + name,
        "  backbone = \"" + backbone + "\"", "  method = vpt-deep", "  train.epochs = 4", "  train.batch-size = 16",
        "  prompts.per-block = 1", "  tensorflow-threads = 1",
        "  data { train-size = 40, val-size = 20, shapes.pool-per-class = 6, shapes.test-per-class = 3 }",
        "  sweep { " + sweep + " }", "}", ""));
  }

  private static List<JsonNode> metricsWithoutTimes(Path run) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve(RunDirectory.METRICS))) {
      ObjectNode node = (ObjectNode) JSON.readTree(line);
      node.remove("seconds");
      node.remove("phase_seconds");
      lines.add(node);
    }
    return lines;
  }

  /**
   * A grid run stopped at a rung (epoch 2 of 4) and promoted later continues from its checkpoint and ends exactly
   * as the run that never paused: every metrics line, the last checkpoint, the summary and config.conf. The one
   * difference is the one a run's last epoch makes: the paused run evaluated test at epoch 2.
   */
  @Test
  void aStoppedRunContinuedWhenPromotedEqualsTheRunThatNeverPaused() throws Exception {
    Sweep sweep = new Sweep(experiment("resume", "base-lr = [0.5], weight-decay = [0.001], seeds = [1]"), List.of());
    Sweep.RunSpec spec = sweep.gridRuns().get(0);
    var rows = new HashMap<Integer, java.util.Map<String, Object>>();
    Path paused = tmp.resolve("paused");
    AshaGrid.train(sweep.experiment(), spec, paused, new AshaSearch.Segment(0, 0, 0, 2), rows);
    assertEquals(2, RunService.readCheckpoint(paused).epoch(), "stopped with its epoch-2 checkpoint");
    double promoted = AshaGrid.train(sweep.experiment(), spec, paused, new AshaSearch.Segment(0, 1, 2, 4), rows);
    Path whole = tmp.resolve("whole");
    double never = AshaGrid.train(sweep.experiment(), spec, whole, new AshaSearch.Segment(0, 0, 0, 4), rows);
    assertEquals(never, promoted, 0);

    List<JsonNode> a = metricsWithoutTimes(paused);
    List<JsonNode> b = metricsWithoutTimes(whole);
    assertEquals(4, a.size());
    assertFalse(a.get(1).get("test_acc").isNull(), "the paused run's last epoch evaluated test");
    assertTrue(b.get(1).get("test_acc").isNull());
    ((ObjectNode) a.get(1)).remove("test_acc");
    ((ObjectNode) b.get(1)).remove("test_acc");
    assertEquals(b, a);
    Path tuner = Path.of(Checkpoints.DIRECTORY, "epoch-0004", Checkpoints.TUNER);
    assertEquals(JSON.readTree(whole.resolve(tuner).toFile()), JSON.readTree(paused.resolve(tuner).toFile()),
        "prompts, head and momentum bit for bit");
    assertEquals(JSON.readTree(whole.resolve(RunDirectory.SUMMARY).toFile()),
        JSON.readTree(paused.resolve(RunDirectory.SUMMARY).toFile()));
    assertEquals(Files.readString(whole.resolve(RunDirectory.CONFIG)), Files.readString(paused.resolve(
        RunDirectory.CONFIG)));
  }

  /**
   * Six grid points, η = 2, rungs at epochs 1, 2, 4: every point trains 1 epoch, three go on to epoch 2, one to 4
   * (11 epochs, not 24). The stopped runs keep their metrics and last checkpoint; the decisions are the ones a replay
   * of the report's own curves makes; the final run trains ASHA's pick.
   */
  @Test
  void anAshaSweepStopsTheLosersAndItsDecisionsReplayFromItsCurves() throws Exception {
    Sweep sweep = new Sweep(experiment("asha", "base-lr = [0.1, 1.0, 5.0], weight-decay = [0, 0.001], seeds = [1], "
        + "concurrent-runs = 1, scheduler = asha, asha { reduction-factor = 2, min-epochs = 1, rungs = 3 }"),
        List.of());
    Path out = tmp.resolve("asha-sweep");
    sweep.run(out, line -> { });
    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    JsonNode asha = report.get("asha");
    assertEquals(11, asha.get("epochs_trained").asInt());
    assertEquals(24, asha.get("grid_epochs").asInt());
    List<Sweep.RunSpec> grid = sweep.gridRuns();
    int stopped = 0;
    for (int i = 0; i < grid.size(); i++) {
      Path run = out.resolve(grid.get(i).name());
      JsonNode state = JSON.readTree(run.resolve(AshaGrid.STATE_FILE).toFile());
      int epochs = state.get("epochs").asInt();
      assertEquals(epochs, Files.readAllLines(run.resolve(RunDirectory.METRICS)).size(), run.toString());
      assertEquals(epochs, RunService.readCheckpoint(run).epoch(), "its last checkpoint is kept");
      assertEquals(epochs, report.get("grid_curves").get(i).get("val_acc").size());
      assertEquals(epochs, report.get("grid").get(i).get("epochs").asInt());
      if (state.get("state").asText().equals("stopped")) {
        stopped++;
        assertTrue(epochs < 4);
      } else {
        assertEquals(asha.get("pick").asText(), grid.get(i).name(), "the one run at the top rung is the pick");
      }
    }
    assertEquals(5, stopped);
    // the report's own curves replayed with the same settings and one slot make the same decisions
    List<GridCurves> curves = GridCurves.fromReport(report, out);
    var replayed = AshaReplay.search(curves, new AshaSettings(2, 1, 3), 4, 1).events();
    assertEquals(asha.get("events").size(), replayed.size());
    for (int i = 0; i < replayed.size(); i++) {
      JsonNode event = asha.get("events").get(i);
      AshaSearch.Event r = replayed.get(i);
      assertEquals(event.get("run").asText(), grid.get(r.segment().run()).name(), "event " + i);
      assertEquals(event.get("rung").asInt(), r.segment().rung());
      assertEquals(event.get("best_val_acc").asDouble(), r.metric(), 0);
      assertEquals(event.get("decision").asText(), r.decision().name().toLowerCase(Locale.ROOT));
    }
    JsonNode pick = report.get("grid").get(grid.indexOf(grid.stream().filter(s -> s.name().equals(
        asha.get("pick").asText())).findFirst().orElseThrow()));
    assertEquals(pick.get("base_lr"), report.get("chosen").get("base_lr"));
    assertEquals(pick.get("weight_decay"), report.get("chosen").get("weight_decay"));
    assertTrue(Files.readString(out.resolve("report.md")).contains("Searched with ASHA"));
  }
}
