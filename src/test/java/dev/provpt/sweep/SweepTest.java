package dev.provpt.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
  @TempDir
  Path tmp;

  @Test
  void aSweepExpandsIntoGridAndSeedRunsAndReportsMeanAndStd() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path experiment = tmp.resolve("sweep.conf");
    Files.writeString(experiment, String.join("\n", "provpt {", "  backbone = \"" + backbone + "\"",
        "  method = vpt-deep", "  train.epochs = 1", "  train.batch-size = 16", "  prompts.per-block = 1",
        "  data { train-size = 40, val-size = 20, shapes.pool-per-class = 6, shapes.test-per-class = 3 }",
        "  sweep { base-lr = [0.1, 1.0], weight-decay = [0, 0.001], seeds = [1, 2] }", "}", ""));
    Sweep sweep = new Sweep(experiment, List.of());
    var grid = sweep.gridRuns();
    assertEquals(4, grid.size());
    assertTrue(grid.get(3).overrides().containsAll(List.of("train.base-lr=1.0", "train.weight-decay=0.001", "seed=1",
        "data.train-on-train-val=false")), grid.get(3).toString());
    assertEquals(List.of("final-seed1", "final-seed2"), sweep.finalRuns(0.1, 0).stream().map(Sweep.RunSpec::name).toList());

    Path out = tmp.resolve("out");
    var report = sweep.run(out, line -> { });
    ObjectMapper json = new ObjectMapper();
    // the choice is the grid run with the best validation accuracy (first one on ties)
    double bestVal = -1;
    String bestRun = null;
    for (var spec : grid) {
      JsonNode summary = json.readTree(out.resolve(spec.name()).resolve("summary.json").toFile());
      if (summary.get("best_val_acc").asDouble() > bestVal) {
        bestVal = summary.get("best_val_acc").asDouble();
        bestRun = spec.name();
      }
    }
    JsonNode chosen = json.readTree(out.resolve(bestRun).resolve("summary.json").toFile());
    @SuppressWarnings("unchecked")
    var chosenReport = (java.util.Map<String, Object>) report.get("chosen");
    assertEquals(chosen.get("learning_rate").asDouble() * 256 / 16, ((Number) chosenReport.get("base_lr")).doubleValue(), 1e-9);
    // final runs trained on train+val (40 + 20) with each seed, test mean ± sample std over them
    List<Double> tests = new ArrayList<>();
    for (long seed : List.of(1L, 2L)) {
      JsonNode summary = json.readTree(out.resolve("final-seed" + seed).resolve("summary.json").toFile());
      assertEquals(60, summary.get("train_size").asInt());
      assertEquals(seed, summary.get("seed").asLong());
      tests.add(summary.get("test_acc").asDouble());
    }
    double mean = (tests.get(0) + tests.get(1)) / 2;
    double std = Math.abs(tests.get(0) - tests.get(1)) / Math.sqrt(2);
    assertEquals(mean, (Double) report.get("test_acc_mean"), 1e-12);
    assertEquals(std, (Double) report.get("test_acc_std"), 1e-12);
    assertTrue(Files.readString(out.resolve("report.md")).contains(String.format("%.4f ± %.4f", mean, std)));
  }
}
