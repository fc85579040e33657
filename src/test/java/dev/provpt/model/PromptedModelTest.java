package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.idleness.Estimator;
import dev.provpt.method.PromptMode;
import dev.provpt.tf.Tensors;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

class PromptedModelTest {
  private static final VitConfig C = TinyModels.CONFIG;
  private static final int BATCH = 6;
  private final float[] images = TinyModels.images(C, BATCH, 3);
  private final int[] labels = TinyModels.labels(BATCH, 3, 4);

  @Test
  void forwardMatchesIndependentReferenceForDeepAssignmentsIncludingEmptyBlocks() {
    try (PromptedModel model = TinyModels.model(PromptMode.DEEP, 5, 0f)) {
      ReferenceVit reference = new ReferenceVit(C, TinyModels.weights(C, 7));
      float[][] pool = TinyModels.rows(model.read(PromptedModel.POOL), 5, C.width());
      float[] kernel = model.read(PromptedModel.HEAD_KERNEL);
      float[] bias = model.read(PromptedModel.HEAD_BIAS);
      for (int[] assignment : List.of(new int[] {0, 1, 1, 2, 0}, new int[] {2, 2, 2, 2, 2}, new int[] {0, 0, 0, 0, 0},
          new int[] {1, 1, 1, 1, 1})) {
        float[] logits = model.logits(images, BATCH, assignment);
        for (int i = 0; i < BATCH; i++) {
          double[] f = reference.features(image(i), pool, assignment, false);
          for (int k = 0; k < 3; k++) {
            double expected = bias[k];
            for (int j = 0; j < C.width(); j++) {
              expected += f[j] * kernel[j * 3 + k];
            }
            assertEquals(expected, logits[i * 3 + k], 2e-4 * Math.max(1, Math.abs(expected)),
                "image " + i + " class " + k + " assignment " + java.util.Arrays.toString(assignment));
          }
        }
      }
    }
  }

  @Test
  void shallowPromptsAreCarriedThroughEveryBlock() {
    try (PromptedModel model = TinyModels.model(PromptMode.SHALLOW, 4, 0f)) {
      ReferenceVit reference = new ReferenceVit(C, TinyModels.weights(C, 7));
      float[][] pool = TinyModels.rows(model.read(PromptedModel.POOL), 4, C.width());
      float[] kernel = model.read(PromptedModel.HEAD_KERNEL);
      float[] logits = model.logits(images, BATCH, new int[4]);
      double[] f = reference.features(image(0), pool, new int[4], true);
      double expected = model.read(PromptedModel.HEAD_BIAS)[1];
      for (int j = 0; j < C.width(); j++) {
        expected += f[j] * kernel[j * 3 + 1];
      }
      assertEquals(expected, logits[1], 2e-4 * Math.max(1, Math.abs(expected)));
    }
  }

  @Test
  void blocksWithoutPromptsComputeExactlyTheUnpromptedNetwork() {
    VitWeights weights = TinyModels.weights(C, 7);
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      VisionTransformer vit = new VisionTransformer(tf, C, TinyModels.constants(tf, weights));
      Operand<TFloat32> input = tf.constant(Shape.of(BATCH, 8, 8, 1), DataBuffers.of(images, true, false));
      Operand<TFloat32> pool = tf.constant(TinyModels.rows(TinyModels.images(C, 1, 9), 8, C.width()));
      // block index -1: the prompts live nowhere, so every block holds zero prompts
      var everyBlockEmpty = new VisionTransformer.PromptInputs(pool,
          tf.constant(new int[] {-1, -1, -1, -1, -1, -1, -1, -1}), null, null, false);
      var lastBlockOnly = new VisionTransformer.PromptInputs(pool, tf.constant(new int[] {2, 2, 2, 2, 2, 2, 2, 2}),
          null, null, false);
      try (Result r = session.runner().fetch(vit.features(input, null)).fetch(vit.features(input, everyBlockEmpty))
          .fetch(vit.features(input, lastBlockOnly)).run()) {
        float[] plain = Tensors.toFloats(r.get(0));
        assertArrayEquals(plain, Tensors.toFloats(r.get(1)), 0f, "empty blocks must be bit-identical");
        assertNotEquals(plain[0], Tensors.toFloats(r.get(2))[0], "prompts in a block must change the output");
      }
    }
  }

  @Test
  void movingOnePromptChangesOnlyItsAssignmentAndItsScaledRow() {
    try (PromptedModel model = TinyModels.model(PromptMode.DEEP, 5, 0.1f)) {
      int[] assignment = {0, 1, 1, 2, 0};
      model.train(images, labels, BATCH, assignment, 1);
      model.train(images, labels, BATCH, assignment, 2);
      List<String> names = model.stateNames();
      List<float[]> before = names.stream().map(model::read).toList();
      model.scalePrompt(2, 1e-3f);
      assignment[2] = 2;
      for (int i = 0; i < names.size(); i++) {
        float[] after = model.read(names.get(i));
        if (names.get(i).equals(PromptedModel.POOL)) {
          for (int j = 0; j < after.length; j++) {
            float expected = j / C.width() == 2 ? before.get(i)[j] * 1e-3f : before.get(i)[j];
            assertEquals(expected, after[j], 0f, "pool element " + j);
          }
        } else {
          assertArrayEquals(before.get(i), after, 0f, names.get(i) + " must not change");
        }
      }
      // and the network now computes what the reference computes for the new assignment
      ReferenceVit reference = new ReferenceVit(C, TinyModels.weights(C, 7));
      float[][] pool = TinyModels.rows(model.read(PromptedModel.POOL), 5, C.width());
      float[] kernel = model.read(PromptedModel.HEAD_KERNEL);
      float[] logits = model.logits(images, BATCH, assignment);
      double[] f = reference.features(image(3), pool, assignment, false);
      double expected = model.read(PromptedModel.HEAD_BIAS)[2];
      for (int j = 0; j < C.width(); j++) {
        expected += f[j] * kernel[j * 3 + 2];
      }
      assertEquals(expected, logits[3 * 3 + 2], 2e-4 * Math.max(1, Math.abs(expected)));
    }
  }

  @Test
  void gradientsOfPromptsAndHeadAgreeWithCentralDifferences() {
    try (PromptedModel model = TinyModels.model(PromptMode.DEEP, 5, 0f)) {
      int[] assignment = {0, 1, 1, 2, 0};
      List<float[]> grads = model.gradients(images, labels, BATCH, assignment);
      String[] names = {PromptedModel.POOL, PromptedModel.HEAD_KERNEL, PromptedModel.HEAD_BIAS};
      SplittableRandom random = new SplittableRandom(5);
      for (int v = 0; v < names.length; v++) {
        float[] value = model.read(names[v]);
        float[] g = grads.get(v);
        double gradNorm = 0;
        for (float x : g) {
          gradNorm += x * x;
        }
        assertTrue(gradNorm > 1e-8, names[v] + " gradient is zero");
        for (int trial = 0; trial < 4; trial++) {
          // a random direction, and a single coordinate
          float[] direction = new float[value.length];
          if (trial < 2) {
            for (int i = 0; i < direction.length; i++) {
              direction[i] = (float) random.nextGaussian();
            }
          } else {
            direction[random.nextInt(direction.length)] = 1f;
          }
          double analytic = 0;
          for (int i = 0; i < g.length; i++) {
            analytic += g[i] * direction[i];
          }
          double eps = 2e-3;
          double numeric = (lossAt(model, names[v], value, direction, eps, assignment)
              - lossAt(model, names[v], value, direction, -eps, assignment)) / (2 * eps);
          model.write(names[v], value);
          assertEquals(analytic, numeric, 3e-4 + 0.01 * Math.abs(analytic),
              names[v] + " trial " + trial + ": analytic " + analytic + " numeric " + numeric);
        }
      }
    }
  }

  @Test
  void idlenessScoreEqualsGradientOfAGateHeldAtOne() {
    try (PromptedModel model = TinyModels.model(PromptMode.DEEP, 5, 0f)) {
      int[] assignment = {0, 1, 1, 2, 0};
      model.train(images, labels, BATCH, assignment, 1);
      float[] scores = model.score(images, labels, BATCH, assignment).signal(Estimator.INPUT_GATE);
      float[] gate = model.gateGradient(images, labels, BATCH, assignment);
      assertEquals(5, scores.length);
      double largest = 0;
      for (float s : scores) {
        largest = Math.max(largest, Math.abs(s));
      }
      assertTrue(largest > 1e-6, "scores are all zero");
      for (int j = 0; j < 5; j++) {
        assertEquals(gate[j], scores[j], 1e-5 + 1e-4 * Math.abs(gate[j]), "prompt " + j);
      }
    }
  }

  @Test
  void trainingLowersTheLossAndDropoutIsReproducible() {
    int[] assignment = {0, 1, 1, 2, 0};
    float first;
    float last = 0;
    float[] poolA;
    try (PromptedModel model = TinyModels.model(PromptMode.DEEP, 5, 0.1f)) {
      first = model.evaluate(images, labels, BATCH, assignment).loss();
      for (int step = 0; step < 30; step++) {
        model.train(images, labels, BATCH, assignment, step);
      }
      last = model.evaluate(images, labels, BATCH, assignment).loss();
      poolA = model.read(PromptedModel.POOL);
    }
    assertTrue(last < first * 0.8, "loss " + first + " -> " + last);
    try (PromptedModel model = TinyModels.model(PromptMode.DEEP, 5, 0.1f)) {
      for (int step = 0; step < 30; step++) {
        model.train(images, labels, BATCH, assignment, step);
      }
      assertArrayEquals(poolA, model.read(PromptedModel.POOL), 0f, "same seeds, same steps, same prompts");
    }
  }

  @Test
  void badInputsAreRefusedWithAClearMessage() {
    try (PromptedModel model = TinyModels.model(PromptMode.DEEP, 5, 0f)) {
      var label = assertThrows(IllegalArgumentException.class,
          () -> model.train(images, new int[] {0, 1, 7, 0, 0, 0}, BATCH, new int[] {0, 1, 1, 2, 0}, 0));
      assertTrue(label.getMessage().contains("label 7") && label.getMessage().contains("[0, 3)"), label.getMessage());
      var block = assertThrows(IllegalArgumentException.class,
          () -> model.evaluate(images, labels, BATCH, new int[] {0, 1, 1, 9, 0}));
      assertTrue(block.getMessage().contains("block 9"), block.getMessage());
      var shape = assertThrows(IllegalArgumentException.class,
          () -> model.evaluate(new float[10], labels, BATCH, new int[] {0, 1, 1, 2, 0}));
      assertTrue(shape.getMessage().contains("8x8x1"), shape.getMessage());
    }
  }

  private double lossAt(PromptedModel model, String name, float[] value, float[] direction, double eps, int[] assignment) {
    float[] moved = value.clone();
    for (int i = 0; i < moved.length; i++) {
      moved[i] += (float) (eps * direction[i]);
    }
    model.write(name, moved);
    return model.evaluate(images, labels, BATCH, assignment).loss();
  }

  private float[] image(int i) {
    int n = C.imageSize() * C.imageSize() * C.channels();
    return java.util.Arrays.copyOfRange(images, i * n, (i + 1) * n);
  }
}
