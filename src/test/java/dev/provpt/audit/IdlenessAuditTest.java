package dev.provpt.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.cli.Main;
import java.util.Map;
import dev.provpt.rundir.EpochRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdlenessAuditTest {
  @TempDir
  Path tmp;

  @Test
  void estimatorsAreJudgedByRankTopOneAndWhetherTheyPickAMovedPrompt() {
    float[] truth = {0.5f, -0.1f, 0.2f, 0.0f, 0.3f};
    float[] loud = {1e-3f, 0f, 0f, 2e-1f, 0f}; // a shrunken, moved prompt (3) shouts
    float[] faithful = {5f, -1f, 2f, 0f, 3f};
    Map<String, float[]> estimates = new java.util.LinkedHashMap<>();
    estimates.put("input-gate", loud);
    estimates.put("scaled-input-gate", faithful);
    estimates.put("attention-gate", faithful);
    var audit = IdlenessAudit.judge("run", 7, new int[] {0, 0, 1, 1, 2}, Set.of(3), 64, 1.2, estimates, truth);
    var input = audit.estimators().get(0);
    var attention = audit.estimators().get(2);
    assertEquals("input-gate", input.estimator());
    assertFalse(input.top1());
    assertTrue(input.picksRecent());
    assertEquals(0.0, input.truthOfPick());
    assertTrue(attention.top1());
    assertFalse(attention.picksRecent());
    assertEquals(1.0, attention.spearman(), 1e-12);
    assertEquals(1, audit.recentPrompts());
    assertEquals(0.5, audit.bestTruth(), 1e-7);
    assertTrue(audit.rows().get(3).recent());
  }

  @Test
  void onlyRelocationsThatChangedAPromptInTheWindowCountAsRecent() {
    List<EpochRecord> metrics = List.of(line(2, 5, 0, 3, true), line(3, 6, 1, 1, false), line(4, 7, 2, 0, true),
        line(5, 8, 3, 3, true));
    assertEquals(Set.of(7, 8), IdlenessAudit.recentlyMoved(metrics, 5, 2), "6 kept its block and scale");
    assertEquals(Set.of(5, 7), IdlenessAudit.recentlyMoved(metrics, 4, 3));
  }

  private static EpochRecord line(int epoch, int prompt, int from, int to, boolean scaled) {
    return new EpochRecord(epoch, "pro-vpt", 1, 0.5, 1, 0.5, null, new int[] {2, 2, 2},
        new EpochRecord.Relocation(prompt, from, to, 0.1, scaled), null, null, null, 1, EpochRecord.emptyPhaseSeconds());
  }

  @Test
  void theCommandTunesKeepsTheCheckpointsAndWritesItsReport() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path experiment = Files.writeString(tmp.resolve("e.conf"), String.join("\n",
        "provpt.backbone = \"" + backbone + "\"", "provpt.data.train-size = 80", "provpt.data.val-size = 20",
        "provpt.data.shapes { pool-per-class = 10, test-per-class = 4 }", "provpt.prompts.per-block = 2",
        "provpt.train.batch-size = 16", "provpt.ppo.k-epochs = 2", "provpt.pro-vpt.prune = random"));
    Path out = tmp.resolve("audit");
    int code = Main.execute("idleness-audit", "-c", experiment.toString(), "--epochs", "2,4", "--seeds", "1",
        "--subset", "32", "--out", out.toString());
    assertEquals(0, code);
    JsonNode report = new ObjectMapper().readTree(out.resolve(AuditReport.JSON_FILE).toFile());
    assertEquals(2, report.get("checkpoints").size());
    assertEquals(2, report.get("checkpoints").get(0).get("epoch").asInt());
    assertEquals(4, report.get("checkpoints").get(1).get("epoch").asInt());
    assertEquals(6, report.get("checkpoints").get(1).get("rows").size(), "3 blocks × 2 prompts");
    assertEquals(32, report.get("checkpoints").get(1).get("subsetSize").asInt());
    // random pruning relocates every epoch after the warm-up: epochs 2, 3, 4 are within the last 3
    assertTrue(report.get("checkpoints").get(1).get("recentPrompts").asInt() >= 1);
    assertEquals(12, report.get("summaries").size(), "2 epochs × 3 estimators, on the subset and online");
    assertEquals("attention-gate (online)", report.get("checkpoints").get(1).get("estimators").get(5)
        .get("estimator").asText());
    for (String estimator : List.of("input-gate", "scaled-input-gate", "attention-gate")) {
      assertTrue(Files.size(out.resolve("idleness-" + estimator + ".png")) > 1000, estimator);
    }
    assertTrue(Files.readString(out.resolve(AuditReport.MARKDOWN_FILE)).contains("| 4 | attention-gate | 1 |"));
    // only the kept epochs and the two newest survive
    try (var kept = Files.list(out.resolve("seed-1").resolve("checkpoints"))) {
      assertEquals(List.of("LATEST", "epoch-0002", "epoch-0003", "epoch-0004"),
          kept.map(p -> p.getFileName().toString()).sorted().toList());
    }
    // auditing the run directory again reads the same checkpoints
    Path again = tmp.resolve("again");
    assertEquals(0, Main.execute("idleness-audit", out.resolve("seed-1").toString(), "--epochs", "4", "--subset", "32",
        "--out", again.toString()));
    JsonNode second = new ObjectMapper().readTree(again.resolve(AuditReport.JSON_FILE).toFile());
    assertEquals(report.get("checkpoints").get(1).get("rows"), second.get("checkpoints").get(0).get("rows"),
        "the audit of a checkpoint is deterministic");
  }
}
