package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.provpt.method.PromptMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A model lent again by the pool computes exactly what a newly built one does. */
class ModelPoolTest {
  private static final VitConfig C = TinyModels.CONFIG;
  private static final VitWeights W = TinyModels.weights(C, 7);
  private static final float[] IMAGES = TinyModels.images(C, 8, 3);
  private static final int[] LABELS = TinyModels.labels(8, 3, 4);

  private static PromptedModel.Hyper hyper(float lr, float weightDecay, float clip) {
    return new PromptedModel.Hyper(lr, 0.9f, weightDecay, clip, 0.1f, 1); // one thread: bit-for-bit
  }

  /** Losses of a few training steps, then every state variable, as one list of arrays. */
  private static List<float[]> trainAndRead(PromptedModel model, int[] assignment) {
    List<float[]> out = new ArrayList<>();
    float[] losses = new float[4];
    for (int step = 0; step < losses.length; step++) {
      losses[step] = model.train(IMAGES, LABELS, 8, assignment, 100 + step).loss();
    }
    out.add(losses);
    for (String name : model.stateNames()) {
      out.add(model.read(name));
    }
    return out;
  }

  private static void assertSameRun(List<float[]> expected, List<float[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), 0f, "item " + i + " (0: losses, then the state)");
    }
  }

  @Test
  void aLentModelStartsAfreshAndTrainsLikeANewOne() {
    int[] assignment = {0, 1, 2, 0, 1, 2};
    PromptedModel.Hyper a = hyper(0.05f, 0.001f, 0.25f);
    List<float[]> fresh;
    try (PromptedModel model = PromptedModel.create(C, W, 3, 6, PromptMode.DEEP, a, 11)) {
      fresh = trainAndRead(model, assignment);
    }
    ModelPool pool = new ModelPool(2);
    try {
      PromptedModel first = pool.lend(C, W, 3, 6, PromptMode.DEEP, hyper(0.2f, 0f, 0f), 5); // other settings, seed
      trainAndRead(first, assignment);
      first.close();
      first.close(); // closing twice hands it back once
      assertEquals(1, pool.idleCount());
      PromptedModel again = pool.lend(C, W, 3, 6, PromptMode.DEEP, a, 11);
      assertSame(first, again, "the idle model of this shape is lent again");
      assertEquals(0, pool.idleCount());
      assertSameRun(fresh, trainAndRead(again, assignment));
      again.close();
    } finally {
      pool.clear();
    }
  }

  @Test
  void settingsThatChangeTheGraphOrSessionGetAnotherModel() {
    ModelPool pool = new ModelPool(2);
    try {
      PromptedModel deep = pool.lend(C, W, 3, 6, PromptMode.DEEP, hyper(0.05f, 0f, 0f), 1);
      deep.close();
      PromptedModel fourClasses = pool.lend(C, W, 4, 6, PromptMode.DEEP, hyper(0.05f, 0f, 0f), 1);
      assertNotSame(deep, fourClasses);
      PromptedModel twoThreads = pool.lend(C, W, 3, 6, PromptMode.DEEP,
          new PromptedModel.Hyper(0.05f, 0.9f, 0f, 0f, 0f, 2), 1);
      assertNotSame(deep, twoThreads);
      PromptedModel otherWeights = pool.lend(C, TinyModels.weights(C, 7), 3, 6, PromptMode.DEEP,
          hyper(0.05f, 0f, 0f), 1);
      assertNotSame(deep, otherWeights, "weights are matched by identity: a backbone loaded again is another one");
      fourClasses.close();
      twoThreads.close();
      otherWeights.close();
      assertEquals(2, pool.idleCount(), "beyond the limit the least recently returned model is disposed of");
    } finally {
      pool.clear();
    }
  }

  @Test
  void weightDecayAndClippingFedAsZeroChangeNothing() {
    // the graph adds weight decay and clips whatever the settings: fed as 0 they must be exact no-ops,
    // as the constant-built graph's missing ops were; compare with a hand-made step of plain momentum SGD
    int[] assignment = {0, 1, 2};
    PromptedModel.Hyper noDropout = new PromptedModel.Hyper(0.05f, 0.9f, 0f, 0f, 0f, 1);
    try (PromptedModel model = PromptedModel.create(C, W, 3, 3, PromptMode.DEEP, noDropout, 2)) {
      Map<String, float[]> before = new LinkedHashMap<>();
      for (String name : model.stateNames()) {
        before.put(name, model.read(name));
      }
      List<float[]> gradients = model.gradients(IMAGES, LABELS, 8, assignment);
      model.train(IMAGES, LABELS, 8, assignment, 0);
      float[] pool = before.get(PromptedModel.POOL);
      float[] expected = new float[pool.length];
      for (int i = 0; i < pool.length; i++) {
        // first step from zero momentum: accum = g, var -= lr * accum
        expected[i] = pool[i] - 0.05f * gradients.get(0)[i];
      }
      assertArrayEquals(expected, model.read(PromptedModel.POOL), 1e-6f);
    }
  }
}
