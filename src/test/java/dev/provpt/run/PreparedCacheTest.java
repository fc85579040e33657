package dev.provpt.run;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.provpt.TestBackbones;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.model.Backbone;
import dev.provpt.model.VitWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedCacheTest {
  @TempDir
  Path tmp;

  private ExperimentSettings settings(Path backbone, String... overrides) {
    List<String> all = new java.util.ArrayList<>(List.of("backbone=" + backbone, "data.shapes.pool-per-class=6",
        "data.shapes.test-per-class=2", "data.train-size=30", "data.val-size=10"));
    all.addAll(List.of(overrides));
    return ExperimentSettings.from(ConfigLoader.load(null, all));
  }

  @Test
  void runsOfOneProcessShareTheBackboneAndTheGeneratedTask() throws Exception {
    PreparedCache.clear();
    Path backbone = TestBackbones.exportRandom(tmp.resolve("backbone"));
    PreparedRun first = RunService.prepare(settings(backbone, "seed=1"));
    PreparedRun again = RunService.prepare(settings(backbone, "seed=1", "train.base-lr=2"));
    assertSame(first.backbone(), again.backbone());
    assertSame(first.split(), again.split());
    // another seed draws another split from the same generated pool
    assertNotSame(first.split(), RunService.prepare(settings(backbone, "seed=2")).split());
  }

  @Test
  void aRewrittenBackboneIsLoadedAgain() throws Exception {
    PreparedCache.clear();
    Path backbone = TestBackbones.exportRandom(tmp.resolve("backbone"));
    Backbone first = RunService.prepare(settings(backbone)).backbone();
    Backbone.export(backbone, first.config(), VitWeights.random(first.config(), 99));
    try (var files = Files.walk(backbone)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
      }
    }
    assertNotSame(first, RunService.prepare(settings(backbone)).backbone());
  }
}
