package dev.provpt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.data.ImageSet;
import dev.provpt.model.Gelu;
import dev.provpt.model.VitConfig;
import dev.provpt.tf.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;

/** Masked-image pre-training: the masks, the reconstruction target, and a run that learns and resumes exactly. */
class MaskedImageHeadTest {
  private static final VitConfig CONFIG = new VitConfig(8, 1, 4, 8, 2, 2, 16, Gelu.EXACT, 1e-6, "none", 3);

  @Test
  void aMaskCoversExactlyItsShareOfEveryImageAndRepeatsWithItsSeedAndStep() {
    float[] mask = MaskedImageHead.randomMask(50, 49, 0.6, 7, 3);
    for (int i = 0; i < 50; i++) {
      float sum = 0;
      for (int j = 0; j < 49; j++) {
        float v = mask[i * 49 + j];
        assertTrue(v == 0f || v == 1f);
        sum += v;
      }
      assertEquals(29f, sum, "round(0.6 * 49) = 29 patches of image " + i);
    }
    assertArrayEquals(mask, MaskedImageHead.randomMask(50, 49, 0.6, 7, 3));
    assertFalse(Arrays.equals(mask, MaskedImageHead.randomMask(50, 49, 0.6, 7, 4)), "another step, another mask");
    assertFalse(Arrays.equals(mask, MaskedImageHead.randomMask(50, 49, 0.6, 8, 3)), "another seed, another mask");
    // over many images every patch is masked about as often as any other
    float[] many = MaskedImageHead.randomMask(4000, 49, 0.6, 1, 0);
    for (int j = 0; j < 49; j++) {
      int count = 0;
      for (int i = 0; i < 4000; i++) {
        count += (int) many[i * 49 + j];
      }
      assertEquals(0.6, count / 4000.0, 0.04, "patch " + j);
    }
  }

  @Test
  void theTargetOfAPatchIsItsPixelsInRowMajorOrder() {
    float[] image = new float[64];
    for (int i = 0; i < 64; i++) {
      image[i] = i;   // pixel (y, x) holds 8 y + x
    }
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      MaskedImageHead head = new MaskedImageHead(tf, CONFIG, 1);
      try (Result r = session.runner().fetch(head.patchesOf(tf.constant(Shape.of(1, 8, 8, 1),
          DataBuffers.of(image, true, false)))).run()) {
        float[] patches = Tensors.toFloats(r.get(0));
        assertEquals(4 * 16, patches.length);
        // patch 1 is the top-right one: rows 0-3, columns 4-7; patch 2 the bottom-left one
        assertArrayEquals(new float[] {4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31},
            Arrays.copyOfRange(patches, 16, 32));
        assertArrayEquals(new float[] {32, 33, 34, 35, 40, 41, 42, 43, 48, 49, 50, 51, 56, 57, 58, 59},
            Arrays.copyOfRange(patches, 32, 48));
      }
    }
  }

  /** Images of one grey level each (the level is the label): a masked patch is predictable from the others. */
  private static ImageSet flat(int n, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    byte[][] images = new byte[n][64];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(3);
      Arrays.fill(images[i], (byte) (40 + 80 * labels[i] + random.nextInt(20)));
    }
    return ImageSet.ofBytes("flat", 8, 8, 1, images, labels, 3, List.of("a", "b", "c"));
  }

  @Test
  void maskedImagePreTrainingLearnsToFillTheMaskedPatches() {
    Pretrainer.Recipe recipe = new Pretrainer.Recipe(6, 8, 0.01f, 3, Pretrainer.Schedule.CONSTANT, 0,
        PretrainObjective.MASKED_IMAGE, 0.5);
    List<Pretrainer.EpochReport> reports = new ArrayList<>();
    try (Pretrainer p = new Pretrainer(CONFIG, recipe.seed(), recipe.objective())) {
      p.train(epoch -> flat(48, epoch), null, recipe, 0, reports::add);
    }
    double first = reports.get(0).trainLoss();
    double last = reports.get(reports.size() - 1).trainLoss();
    assertTrue(last < first / 3, "reconstruction error " + first + " -> " + last);
    assertTrue(Double.isNaN(reports.get(0).trainAccuracy()), "no labels, no train accuracy");
  }

  @Test
  void aResumedRunOfBothObjectivesEqualsOneThatNeverStopped() {
    Pretrainer.Recipe recipe = new Pretrainer.Recipe(3, 8, 0.01f, 5, Pretrainer.Schedule.COSINE, 1,
        PretrainObjective.BOTH, 0.5);
    java.util.function.IntFunction<ImageSet> data = epoch -> flat(24, epoch);
    Map<String, float[]> straight;
    try (Pretrainer p = new Pretrainer(CONFIG, recipe.seed(), recipe.objective())) {
      p.train(data, null, recipe, 0, r -> assertFalse(Double.isNaN(r.trainAccuracy())));
      straight = p.state();
    }
    Map<String, float[]> afterTwo = new java.util.HashMap<>();
    try (Pretrainer p = new Pretrainer(CONFIG, recipe.seed(), recipe.objective())) {
      p.train(data, null, recipe, 0, r -> {
        if (r.epoch() == 2) {
          afterTwo.putAll(p.state());
          throw new IllegalStateException("cut after epoch 2");
        }
      });
    } catch (IllegalStateException cut) {
      // the run was cut after epoch 2, its state kept
    }
    try (Pretrainer p = new Pretrainer(CONFIG, recipe.seed(), recipe.objective())) {
      p.restore(afterTwo);
      p.train(data, null, recipe, 2, r -> { });
      Map<String, float[]> resumed = p.state();
      straight.forEach((name, values) -> assertArrayEquals(values, resumed.get(name), name));
    }
    assertTrue(straight.keySet().stream().anyMatch(n -> n.startsWith("mim.")), "the mask token and decoder are saved");
  }

  @Test
  void aRecipeForAnotherObjectiveIsRefused() {
    Pretrainer.Recipe supervised = new Pretrainer.Recipe(1, 8, 0.01f, 1);
    try (Pretrainer p = new Pretrainer(CONFIG, 1, PretrainObjective.MASKED_IMAGE)) {
      var e = assertThrows(IllegalArgumentException.class, () -> p.train(epoch -> flat(8, 0), null, supervised, 0, r -> { }));
      assertTrue(e.getMessage().contains("masked-image"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new Pretrainer.Recipe(1, 8, 0.01f, 1,
        Pretrainer.Schedule.CONSTANT, 0, PretrainObjective.BOTH, 0));
  }
}
