package dev.provpt.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run stopped after an epoch and resumed from its checkpoint ends as the uninterrupted run does. */
class ResumeTest {
  @org.junit.jupiter.api.io.TempDir
  static Path tmp;
  static Path backbone;

  @org.junit.jupiter.api.BeforeAll
  static void exportRandomBackbone() throws Exception {
    backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("small-backbone"));
  }

  private static List<JsonNode> metricsWithoutTimes(Path runDir) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(runDir.resolve(RunDirectory.METRICS))) {
      ObjectNode node = (ObjectNode) json.readTree(line);
      node.remove("seconds");
      node.remove("phase_seconds");
      lines.add(node);
    }
    return lines;
  }

  /** Runs {@code settings} whole, and again crashing in epoch 4 and resuming; returns both metrics. */
  private static List<List<JsonNode>> wholeAndResumed(String name, String... extra) throws Exception {
    List<String> settings = new ArrayList<>(List.of("train.epochs=6", "tensorflow-threads=1"));
    settings.addAll(List.of(extra));
    ExperimentSettings full = ProVptRunTest.settingsFor(backbone, settings.toArray(String[]::new));
    Path whole = tmp.resolve(name + "-whole");
    var outcome = RunService.run(RunService.prepare(full), RunDirectory.at(whole), false, l -> { }, full.source());
    assertTrue(outcome.succeeded(), outcome.error());

    // The same run crashes in epoch 4, after its metrics line, before its checkpoint...
    Path crashed = tmp.resolve(name + "-crashed");
    var failed = RunService.run(RunService.prepare(full), RunDirectory.at(crashed), false, line -> {
      if (line.epoch() == 4) {
        throw new IllegalStateException("simulated crash");
      }
    }, full.source());
    assertTrue(!failed.succeeded() && failed.error().contains("simulated crash"), failed.error());
    assertEquals(4, Files.readAllLines(crashed.resolve(RunDirectory.METRICS)).size());
    // ...and a new process continues it from the last complete checkpoint (epoch 3).
    var resume = RunService.readCheckpoint(crashed);
    assertNotNull(resume);
    assertEquals(3, resume.experiment().epoch());
    assertEquals(3, Files.readAllLines(crashed.resolve(RunDirectory.METRICS)).size(), "epoch 4 is redone");
    var resumed = RunService.run(RunService.prepare(full), RunDirectory.at(crashed), false, l -> { }, full.source(),
        resume);
    assertTrue(resumed.succeeded(), resumed.error());
    assertEquals(6, Files.readAllLines(crashed.resolve(RunDirectory.METRICS)).size(), "gap-free metrics");
    return List.of(metricsWithoutTimes(whole), metricsWithoutTimes(crashed));
  }

  @Test
  void aResumedVptDeepRunEqualsTheUninterruptedOneExactly() throws Exception {
    var runs = wholeAndResumed("deep", "method=vpt-deep");
    for (int i = 0; i < 6; i++) {
      assertEquals(runs.get(0).get(i), runs.get(1).get(i), "epoch " + (i + 1));
    }
  }

  /**
   * PRO-VPT resumes with its whole state (prompts, momentum, assignment, step counter, PPO
   * networks with Adam slots and rollout buffer, generator states), but its idleness scores are
   * row dot products with massive cancellation (a prompt reaches the network only through
   * LayerNorm, which ignores its scale): rounding-level differences between two runs of the same
   * computation show in them, and through the allocator's z-normalised state in PPO's choices.
   * So the check is the cycle's invariants across the resume, not bit equality.
   */
  @Test
  void aResumedProVptRunKeepsTheCycleAcrossTheResume() throws Exception {
    var runs = wholeAndResumed("pro-vpt", "method=pro-vpt", "pro-vpt.prune=random");
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> resumed = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("pro-vpt-crashed").resolve(RunDirectory.METRICS))) {
      resumed.add(json.readTree(line));
    }
    int relocations = ProVptRunTest.checkInvariants(resumed, 6, 1, new int[] {2, 2, 2});
    assertEquals(5, relocations, "random pruning relocates every epoch after warm-up, resumed ones included");
    assertTrue(resumed.stream().skip(3).anyMatch(l -> !l.get("reward").isNull()), "rewards continue after resume");
  }

  /**
   * The newest checkpoint is damaged after it was written (here: tuner.json cut in half): resume
   * warns, falls back to the previous checkpoint, redoes the epochs after it and ends exactly as
   * the uninterrupted run; with every checkpoint damaged it fails with one line naming the file.
   */
  @Test
  void aDamagedLatestCheckpointFallsBackToThePreviousOne() throws Exception {
    ExperimentSettings settings = ProVptRunTest.settingsFor(backbone, "train.epochs=4", "tensorflow-threads=1",
        "method=vpt-deep");
    Path whole = tmp.resolve("fallback-whole");
    assertTrue(RunService.run(RunService.prepare(settings), RunDirectory.at(whole), false, l -> { },
        settings.source()).succeeded());
    Path run = tmp.resolve("fallback");
    var crashed = RunService.run(RunService.prepare(settings), RunDirectory.at(run), false, line -> {
      if (line.epoch() == 4) {
        throw new IllegalStateException("simulated crash");
      }
    }, settings.source());
    assertTrue(!crashed.succeeded());
    Path checkpoints = run.resolve(Checkpoints.DIRECTORY);
    try (var kept = Files.list(checkpoints)) {
      assertEquals(List.of("LATEST", "epoch-0002", "epoch-0003"), kept.map(p -> p.getFileName().toString()).sorted()
          .toList(), "the latest and the previous checkpoint are kept");
    }
    Path tuner = checkpoints.resolve("epoch-0003").resolve(Checkpoints.TUNER);
    byte[] bytes = Files.readAllBytes(tuner);
    Files.write(tuner, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    var resume = RunService.readCheckpoint(run);
    assertEquals(2, resume.experiment().epoch(), "fell back to epoch 2");
    assertEquals(2, Files.readAllLines(run.resolve(RunDirectory.METRICS)).size(), "epochs 3 and 4 are redone");
    var resumed = RunService.run(RunService.prepare(settings), RunDirectory.at(run), false, l -> { },
        settings.source(), resume);
    assertTrue(resumed.succeeded(), resumed.error());
    assertEquals(metricsWithoutTimes(whole), metricsWithoutTimes(run), "gap-free and identical to the whole run");

    // every checkpoint damaged: one line naming the file, nothing silently restarted
    for (String epoch : List.of("epoch-0003", "epoch-0004")) {
      Path file = checkpoints.resolve(epoch).resolve(Checkpoints.EXPERIMENT);
      Files.writeString(file, Files.readString(file).substring(0, 10));
    }
    var error = org.junit.jupiter.api.Assertions.assertThrows(Checkpoints.CheckpointException.class,
        () -> RunService.readCheckpoint(run));
    assertTrue(error.getMessage().contains("epoch-0004") && error.getMessage().contains("experiment.json"),
        error.getMessage());
    assertEquals(1, error.getMessage().lines().count());
  }
}
