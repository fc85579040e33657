package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.provpt.idleness.Estimator;
import dev.provpt.method.PromptMode;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every prompt mode and estimator runs in bf16 and with XLA; fp32 asked for explicitly is the old graph, bit for bit. */
class PrecisionModesTest {
  private static final VitConfig C = TinyModels.CONFIG;
  private static final int BATCH = 6;
  private final float[] images = TinyModels.images(C, BATCH, 3);
  private final int[] labels = TinyModels.labels(BATCH, 3, 4);

  private static PromptedModel model(PromptMode mode, int prompts, Precision precision, Xla xla) {
    return PromptedModel.create(C, TinyModels.weights(C, 7), 3, prompts, mode,
        new PromptedModel.Hyper(0.05f, 0.9f, 0.001f, 0.25f, 0.1f, 1, precision, xla), 11);
  }

  @Test
  void explicitFp32IsTheDefaultGraphBitForBit() {
    int[] assignment = {0, 1, 1, 2, 0};
    try (PromptedModel plain = PromptedModel.create(C, TinyModels.weights(C, 7), 3, 5, PromptMode.DEEP,
        new PromptedModel.Hyper(0.05f, 0.9f, 0.001f, 0.25f, 0.1f, 1), 11);
         PromptedModel explicit = model(PromptMode.DEEP, 5, Precision.FP32, Xla.OFF)) {
      for (int step = 0; step < 3; step++) {
        var a = plain.train(images, labels, BATCH, assignment, step);
        var b = explicit.train(images, labels, BATCH, assignment, step);
        assertEquals(a.loss(), b.loss());
        assertArrayEquals(a.signal(Estimator.INPUT_GATE), b.signal(Estimator.INPUT_GATE));
      }
      assertArrayEquals(plain.read(PromptedModel.POOL), explicit.read(PromptedModel.POOL));
    }
  }

  @Test
  void everyModeTrainsInBf16WithFiniteSignalsAndExactRemoval() {
    assumeTrue(Precision.bf16Supported(), "this CPU has no AVX512-BF16 / AMX-BF16");
    for (PromptMode mode : List.of(PromptMode.DEEP, PromptMode.SHALLOW, PromptMode.NONE)) {
      int prompts = mode == PromptMode.NONE ? 0 : 5;
      int[] assignment = mode == PromptMode.DEEP ? new int[] {0, 1, 1, 2, 0} : new int[prompts];
      try (PromptedModel fp32 = model(mode, prompts, Precision.FP32, Xla.OFF);
           PromptedModel bf16 = model(mode, prompts, Precision.BF16, Xla.OFF)) {
        for (int step = 0; step < 3; step++) {
          var a = fp32.train(images, labels, BATCH, assignment, step);
          var b = bf16.train(images, labels, BATCH, assignment, step);
          assertTrue(Float.isFinite(b.loss()), mode + " bf16 loss " + b.loss());
          assertEquals(a.loss(), b.loss(), 0.05 * Math.max(1, a.loss()), mode + " step " + step);
          for (float[] signal : b.signals().values()) { // every estimator the mode can measure
            for (float s : signal) {
              assertTrue(Float.isFinite(s));
            }
          }
        }
        if (mode == PromptMode.DEEP) {
          float[] removed = bf16.lossWithoutEachPrompt(images, labels, BATCH, assignment);
          float[] reference = fp32.lossWithoutEachPrompt(images, labels, BATCH, assignment);
          for (int j = 0; j < removed.length; j++) {
            assertEquals(reference[j], removed[j], 0.05 * Math.max(1, reference[j]), "prompt " + j);
          }
        }
      }
    }
  }

  @Test
  @Tag("slow") // XLA compiles the graph's clusters: about a minute on 2 cores
  void xlaTrainsTheTuningGraphToTheSameLossesInFp32AndBf16() {
    // in a test JVM another class may have run a session first, when XLA then stays off: the losses hold either way
    Xla.enableCpuAutoClustering();
    int[] assignment = {0, 1, 1, 2, 0};
    for (Precision precision : List.of(Precision.FP32, Precision.BF16)) {
      if (precision == Precision.BF16 && !Precision.bf16Supported()) {
        continue;
      }
      try (PromptedModel plain = model(PromptMode.DEEP, 5, precision, Xla.OFF);
           PromptedModel jit = model(PromptMode.DEEP, 5, precision, Xla.ON)) {
        for (int step = 0; step < 3; step++) {
          float a = plain.train(images, labels, BATCH, assignment, step).loss();
          float b = jit.train(images, labels, BATCH, assignment, step).loss();
          assertEquals(a, b, (precision == Precision.FP32 ? 1e-4 : 0.05) * Math.max(1, a), precision + " step " + step);
        }
      }
    }
  }
}
