package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.idleness.Estimator;
import dev.provpt.method.PromptMode;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The idleness gates of the tuning graph against independent computations: finite differences of
 * the loss, a plain-Java ViT without the prompt, and LayerNorm's derivative.
 */
class IdlenessGatesTest {
  private static final VitConfig C = TinyModels.CONFIG;
  private static final int BATCH = 6;
  private static final int PROMPTS = 6;
  private static final int[] ASSIGNMENT = {0, 0, 1, 1, 2, 2};
  private final float[] images = TinyModels.images(C, BATCH, 3);
  private final int[] labels = TinyModels.labels(BATCH, 3, 4);

  /** A deep model whose prompts are random with standard deviation {@code std} ("ordinary size" at ~0.03-0.3). */
  private static PromptedModel model(double std) {
    PromptedModel model = TinyModels.model(PromptMode.DEEP, PROMPTS, 0f);
    SplittableRandom random = new SplittableRandom(5);
    float[] pool = new float[PROMPTS * C.width()];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = (float) (random.nextGaussian() * std);
    }
    model.write(PromptedModel.POOL, pool);
    return model;
  }

  @Test
  void theAttentionGatesDerivativeIsTheLossesFiniteDifferenceInA() {
    try (PromptedModel model = model(0.3)) {
      float[] gradient = model.score(images, labels, BATCH, ASSIGNMENT).signal(Estimator.ATTENTION_GATE);
      double h = 1e-2;
      for (int j = 0; j < PROMPTS; j++) {
        float[] up = new float[PROMPTS];
        float[] down = new float[PROMPTS];
        up[j] = (float) Math.log(1 + h);
        down[j] = (float) Math.log(1 - h);
        double difference = (model.lossWithKeyLogGate(images, labels, BATCH, ASSIGNMENT, up)
            - model.lossWithKeyLogGate(images, labels, BATCH, ASSIGNMENT, down)) / (2 * h);
        assertEquals(difference, gradient[j], 2e-3 * Math.max(1e-2, Math.abs(difference)) + 2e-5,
            "prompt " + j + ": dL/da " + gradient[j] + " vs finite difference " + difference);
      }
    }
  }

  @Test
  void aGateOfZeroIsThePromptRemovedExactly() {
    try (PromptedModel model = model(0.3)) {
      ReferenceVit reference = new ReferenceVit(C, TinyModels.weights(C, 7));
      float[][] pool = TinyModels.rows(model.read(PromptedModel.POOL), PROMPTS, C.width());
      float[] kernel = model.read(PromptedModel.HEAD_KERNEL);
      float[] bias = model.read(PromptedModel.HEAD_BIAS);
      float[] removed = model.lossWithoutEachPrompt(images, labels, BATCH, ASSIGNMENT);
      for (int j = 0; j < PROMPTS; j++) {
        // the independent forward pass of a model that never had prompt j
        float[][] rest = new float[PROMPTS - 1][];
        int[] restAssignment = new int[PROMPTS - 1];
        for (int k = 0, n = 0; k < PROMPTS; k++) {
          if (k != j) {
            rest[n] = pool[k];
            restAssignment[n++] = ASSIGNMENT[k];
          }
        }
        double loss = 0;
        for (int i = 0; i < BATCH; i++) {
          double[] f = reference.features(image(i), rest, restAssignment, false);
          double[] logits = new double[3];
          for (int k = 0; k < 3; k++) {
            logits[k] = bias[k];
            for (int d = 0; d < C.width(); d++) {
              logits[k] += f[d] * kernel[d * 3 + k];
            }
          }
          double max = Arrays.stream(logits).max().orElseThrow();
          double sum = Arrays.stream(logits).map(v -> Math.exp(v - max)).sum();
          loss += -(logits[labels[i]] - max - Math.log(sum)) / BATCH;
        }
        assertEquals(loss, removed[j], 1e-4 * Math.max(1, loss), "prompt " + j);
      }
    }
  }

  /**
   * LayerNorm is scale-invariant per token, so d/da L(a·p) at a = 1 is the derivative along the
   * normalised token, (dL/dy·γ)·n̂, times eps / (var(p) + eps) (population variance over the width):
   * the scaled input gate divided by that factor is the input gate. Checked where both are well
   * conditioned (small prompts, so that the factor is not tiny).
   */
  @Test
  void theInputGateIsTheScaledInputGateTimesLayerNormsShrinkFactor() {
    try (PromptedModel model = model(3e-3)) {
      StepResult r = model.score(images, labels, BATCH, ASSIGNMENT);
      float[] pool = model.read(PromptedModel.POOL);
      for (int j = 0; j < PROMPTS; j++) {
        double factor = C.layerNormEps() / (variance(pool, j) + C.layerNormEps());
        assertTrue(factor > 0.05 && factor < 0.5, "a well-conditioned factor: " + factor);
        double expected = r.signal(Estimator.SCALED_INPUT_GATE)[j] * factor;
        assertEquals(expected, r.signal(Estimator.INPUT_GATE)[j], 1e-3 * Math.abs(expected) + 1e-7, "prompt " + j);
      }
    }
  }

  /**
   * The difference that matters: a prompt of ordinary size scaled by 10 leaves its removal effect,
   * its attention-gate and its scaled-input-gate score unchanged (LayerNorm sees the same token),
   * while its input-gate score shrinks about 100-fold.
   */
  @Test
  void scalingAPromptByTenChangesOnlyTheInputGate() {
    int j = 2;
    try (PromptedModel model = model(0.1)) {
      StepResult before = model.score(images, labels, BATCH, ASSIGNMENT);
      double lossBefore = before.loss();
      float[] removedBefore = model.lossWithoutEachPrompt(images, labels, BATCH, ASSIGNMENT);
      model.scalePrompt(j, 10f);
      StepResult after = model.score(images, labels, BATCH, ASSIGNMENT);
      float[] removedAfter = model.lossWithoutEachPrompt(images, labels, BATCH, ASSIGNMENT);
      double effectBefore = lossBefore - removedBefore[j];
      double effectAfter = after.loss() - removedAfter[j];
      // the same token up to LayerNorm's epsilon: its normalised form moves by about eps / (2 var), 1e-4 here
      double tolerance = 5e-3;
      assertEquals(effectBefore, effectAfter, tolerance * Math.abs(effectBefore) + 1e-6, "true removal effect");
      assertEquals(before.signal(Estimator.ATTENTION_GATE)[j], after.signal(Estimator.ATTENTION_GATE)[j],
          tolerance * Math.abs(before.signal(Estimator.ATTENTION_GATE)[j]) + 1e-6, "attention gate");
      assertEquals(before.signal(Estimator.SCALED_INPUT_GATE)[j], after.signal(Estimator.SCALED_INPUT_GATE)[j],
          tolerance * Math.abs(before.signal(Estimator.SCALED_INPUT_GATE)[j]) + 1e-6, "scaled input gate");
      double shrink = before.signal(Estimator.INPUT_GATE)[j] / after.signal(Estimator.INPUT_GATE)[j];
      assertTrue(shrink > 80 && shrink < 120, "the input gate shrinks about 100-fold: " + shrink);
    }
  }

  private static double variance(float[] pool, int prompt) {
    int d = C.width();
    double mean = 0;
    for (int i = 0; i < d; i++) {
      mean += pool[prompt * d + i];
    }
    mean /= d;
    double squares = 0;
    for (int i = 0; i < d; i++) {
      double centred = pool[prompt * d + i] - mean;
      squares += centred * centred;
    }
    return squares / d;
  }

  private float[] image(int i) {
    int size = C.imageSize() * C.imageSize() * C.channels();
    return Arrays.copyOfRange(images, i * size, (i + 1) * size);
  }
}
