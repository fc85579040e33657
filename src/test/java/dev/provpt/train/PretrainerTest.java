package dev.provpt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.data.ImageSet;
import dev.provpt.model.Gelu;
import dev.provpt.model.VitConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learning-rate schedule by hand, and a run resumed from its saved state equal to one never stopped. */
class PretrainerTest {

  @Test
  void cosineWarmsUpLinearlyThenDecaysToZero() {
    Pretrainer.Recipe recipe = new Pretrainer.Recipe(4, 10, 0.01f, 1, Pretrainer.Schedule.COSINE, 1);
    long perEpoch = 10;
    long total = 40;
    assertEquals(0.001, recipe.learningRateAt(0, total, perEpoch), 1e-9);    // (0 + 1) / 10 of the rate
    assertEquals(0.01, recipe.learningRateAt(9, total, perEpoch), 1e-9);     // end of the warm-up
    assertEquals(0.01, recipe.learningRateAt(10, total, perEpoch), 1e-9);    // cos(0)
    assertEquals(0.005, recipe.learningRateAt(25, total, perEpoch), 1e-9);   // halfway through the decay: cos(pi/2)
    assertEquals(0.01 * 0.5 * (1 + Math.cos(Math.PI * 29 / 30.0)), recipe.learningRateAt(39, total, perEpoch), 1e-12);
    Pretrainer.Recipe constant = new Pretrainer.Recipe(4, 10, 0.01f, 1);
    assertEquals(0.01f, constant.learningRateAt(39, total, perEpoch), 1e-12);
  }

  private static ImageSet noise(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] images = new byte[n][8 * 8];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      random.nextBytes(images[i]);
      labels[i] = i % 3;
    }
    return ImageSet.ofBytes("noise", 8, 8, 1, images, labels, 3, List.of("a", "b", "c"));
  }

  @Test
  void aResumedRunEqualsOneThatNeverStopped(@TempDir Path dir) {
    VitConfig config = new VitConfig(8, 1, 4, 8, 2, 2, 16, Gelu.EXACT, 1e-6, "fractal-glyphs", 3);
    Pretrainer.Recipe recipe = new Pretrainer.Recipe(3, 4, 0.01f, 5, Pretrainer.Schedule.COSINE, 1);
    java.util.function.IntFunction<ImageSet> data = epoch -> noise(12, epoch);
    Map<String, float[]> straight;
    try (Pretrainer p = new Pretrainer(config, recipe.learningRate(), recipe.seed())) {
      p.train(data, null, recipe, 0, r -> { });
      straight = p.state();
    }
    List<Map<String, Object>> epochs = new ArrayList<>();
    try (Pretrainer p = new Pretrainer(config, recipe.learningRate(), recipe.seed())) {
      // the first two epochs, with the schedule of the whole run: train stops early by running epochs 0-1 of 3
      p.train(data, null, recipe, 0, r -> {
        epochs.add(Map.of("epoch", r.epoch()));
        if (r.epoch() == 2) {
          PretrainState.write(dir, "run", epochs, p.state());
          throw new StopAfterEpoch();
        }
      });
    } catch (StopAfterEpoch expected) {
      // the run was cut after epoch 2
    }
    PretrainState saved = PretrainState.read(dir, "run");
    assertEquals(2, saved.epochs().size());
    try (Pretrainer p = new Pretrainer(config, recipe.learningRate(), recipe.seed())) {
      p.restore(saved.variables());
      p.train(data, null, recipe, saved.epochs().size(), r -> { });
      Map<String, float[]> resumed = p.state();
      assertEquals(straight.keySet(), resumed.keySet());
      straight.forEach((name, values) -> assertArrayEquals(values, resumed.get(name), name));
    }
    assertTrue(straight.keySet().stream().anyMatch(n -> n.contains("beta1_power")), "Adam's state is saved too");
    var refused = assertThrows(IllegalStateException.class, () -> PretrainState.read(dir, "another run"));
    assertTrue(refused.getMessage().contains("belongs to another run"), refused.getMessage());
    assertNull(PretrainState.read(dir.resolve("empty"), "run"));
  }

  private static final class StopAfterEpoch extends RuntimeException {
  }
}
