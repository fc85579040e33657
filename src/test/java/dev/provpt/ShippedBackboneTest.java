package dev.provpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.run.RunService;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Integration: the default experiment (application.conf: its backbone and task) for real. */
@Tag("slow")
class ShippedBackboneTest {
  @TempDir
  Path tmp;

  private Map<String, Object> run(String name, String... overrides) {
    var settings = ExperimentSettings.from(ConfigLoader.load(Path.of("application.conf"), List.of(overrides)));
    var outcome = RunService.run(RunService.prepare(settings), RunDirectory.at(tmp.resolve(name)), false,
        line -> { }, settings.source());
    assertTrue(outcome.succeeded(), outcome.error());
    return outcome.summary();
  }

  @Test
  void vptDeepBeatsTheLinearProbe() {
    // judged on val200 held out (the default trains on train800val200)
    var deep = run("deep", "method=vpt-deep", "train.epochs=20", "data.train-on-train-val=false");
    var linear = run("linear", "method=linear", "train.epochs=20", "data.train-on-train-val=false");
    double deepVal = (Double) deep.get("best_val_acc");
    double linearVal = (Double) linear.get("best_val_acc");
    assertTrue(deepVal > linearVal, "VPT-Deep best val acc " + deepVal + " vs linear probe " + linearVal);
  }

  @Test
  void proVptRelocatesRewardsAndUpdatesItsPolicy() throws Exception {
    var summary = run("pro-vpt", "method=pro-vpt", "train.epochs=12");
    int perBlock = ExperimentSettings.from(ConfigLoader.load(Path.of("application.conf"), List.of()))
        .prompts().perBlock();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("pro-vpt").resolve(RunDirectory.METRICS))) {
      lines.add(json.readTree(line));
    }
    assertEquals(12, lines.size());
    long moved = lines.stream().filter(l -> !l.get("relocation").isNull()
        && l.get("relocation").get("from_block").asInt() != l.get("relocation").get("to_block").asInt()).count();
    assertTrue(moved >= 1, "no prompt changed block");
    assertTrue(lines.stream().anyMatch(l -> !l.get("reward").isNull()), "no reward logged");
    assertTrue(lines.stream().anyMatch(l -> !l.get("ppo_loss").isNull()), "no PPO update logged");
    JsonNode last = lines.get(lines.size() - 1).get("distribution");
    int blocks = last.size();
    int[] start = new int[blocks];
    Arrays.fill(start, perBlock);
    int[] end = new int[blocks];
    for (int b = 0; b < blocks; b++) {
      end[b] = last.get(b).asInt();
    }
    assertTrue(!Arrays.equals(start, end), "distribution unchanged: " + last);
    assertEquals(blocks * perBlock, Arrays.stream(end).sum(), "prompt count conserved");
    assertTrue((Integer) summary.get("ppo_updates") >= 1);
  }
}
