package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.provpt.data.Batch;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.data.Shapes;
import dev.provpt.method.PromptMode;
import dev.provpt.train.TuningSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bf16 tuning graph against the fp32 one on the shipped backbone (fmnist-vit8, shapes10
 * images): same initial prompts and head, same batch. The stated tolerances:
 * <ul>
 *   <li>logits: max |bf16 − fp32| ≤ 0.05 · max |fp32 logit| + 0.01, and the same class for ≥ 95% of images;</li>
 *   <li>gradients of the prompts (and of the head): ‖g_bf16 − g_fp32‖ / ‖g_fp32‖ ≤ 0.1, cosine ≥ 0.99.</li>
 * </ul>
 * bfloat16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.2%), and every block rounds its
 * MatMul inputs and outputs, so the errors grow with depth; the figures measured are printed.
 */
class Bf16PrecisionTest {
  private static final Path SHIPPED = Path.of("models/fmnist-vit8");
  private static final int BATCH = 64;
  private static Backbone backbone;
  private static Batch batch;

  @BeforeAll
  static void load() {
    assumeTrue(Files.isDirectory(SHIPPED), "the shipped backbone is not in this checkout");
    backbone = Backbone.load(SHIPPED);
    ImageSet images = Shapes.generate(2026, 10, Shapes.NAME);
    Normalization normalization = Normalization.of(backbone.config().normalization(), backbone.config().channels());
    batch = BatchIterator.shuffled(images, BATCH, normalization, 1, 0).next();
  }

  private static PromptedModel model(Precision precision, int perBlock) {
    VitConfig c = backbone.config();
    PromptMode mode = perBlock > 0 ? PromptMode.DEEP : PromptMode.NONE;
    return PromptedModel.create(c, backbone.weights(), 10, perBlock * c.depth(), mode,
        new PromptedModel.Hyper(0.125f, 0.9f, 0.001f, 0.25f, 0.1f, 1, precision, Xla.OFF), 42);
  }

  private static int[] assignment(int perBlock) {
    return perBlock > 0 ? TuningSession.uniformAssignment(backbone.config().depth(), perBlock) : new int[0];
  }

  @Test
  void bf16LogitsAreWithinToleranceOfFp32OnTheShippedBackbone() {
    assumeTrue(Precision.bf16Supported(), "this CPU has no AVX512-BF16 / AMX-BF16");
    for (int perBlock : List.of(0, 4)) {
      float[] reference;
      float[] low;
      try (PromptedModel fp32 = model(Precision.FP32, perBlock); PromptedModel bf16 = model(Precision.BF16, perBlock)) {
        assertEquals(Precision.BF16, bf16.precision());
        // the trained side starts identical: it does not depend on the precision
        assertEquals(List.of(fp32.read(PromptedModel.HEAD_KERNEL)[3]), List.of(bf16.read(PromptedModel.HEAD_KERNEL)[3]));
        reference = fp32.logits(batch.images(), BATCH, assignment(perBlock));
        low = bf16.logits(batch.images(), BATCH, assignment(perBlock));
      }
      double scale = 0;
      double worst = 0;
      for (int i = 0; i < reference.length; i++) {
        scale = Math.max(scale, Math.abs(reference[i]));
        worst = Math.max(worst, Math.abs(reference[i] - low[i]));
      }
      int agree = 0;
      for (int i = 0; i < BATCH; i++) {
        agree += argMax(reference, i, 10) == argMax(low, i, 10) ? 1 : 0;
      }
      System.out.printf("bf16 vs fp32, %d prompts/block: max |logit diff| %.4g (max |logit| %.4g), same class %d/%d%n",
          perBlock, worst, scale, agree, BATCH);
      assertTrue(worst <= 0.05 * scale + 0.01, "max |logit difference| " + worst + " for logits up to " + scale);
      assertTrue(agree >= 0.95 * BATCH, "bf16 and fp32 agree on " + agree + " of " + BATCH + " images");
    }
  }

  @Test
  void bf16PromptGradientsAreWithinToleranceOfFp32() {
    assumeTrue(Precision.bf16Supported(), "this CPU has no AVX512-BF16 / AMX-BF16");
    int perBlock = 4;
    // a trained head: with the initial one (std 0.02) the gradients are dominated by the head's smallness
    List<float[]> reference;
    List<float[]> low;
    try (PromptedModel fp32 = model(Precision.FP32, perBlock); PromptedModel bf16 = model(Precision.BF16, perBlock)) {
      for (int step = 0; step < 5; step++) {
        fp32.train(batch.images(), batch.labels(), BATCH, assignment(perBlock), step);
      }
      for (String name : fp32.stateNames()) {
        bf16.write(name, fp32.read(name));
      }
      reference = fp32.gradients(batch.images(), batch.labels(), BATCH, assignment(perBlock));
      low = bf16.gradients(batch.images(), batch.labels(), BATCH, assignment(perBlock));
    }
    String[] names = {"prompt pool", "head kernel", "head bias"};
    for (int k = 0; k < reference.size(); k++) {
      double diff = 0;
      double norm = 0;
      double dot = 0;
      double lowNorm = 0;
      for (int i = 0; i < reference.get(k).length; i++) {
        double a = reference.get(k)[i];
        double b = low.get(k)[i];
        diff += (a - b) * (a - b);
        norm += a * a;
        lowNorm += b * b;
        dot += a * b;
      }
      double relative = Math.sqrt(diff / norm);
      double cosine = dot / Math.sqrt(norm * lowNorm);
      System.out.printf("bf16 vs fp32 gradient of the %s: relative error %.4g, cosine %.6f%n", names[k], relative,
          cosine);
      assertTrue(norm > 0, names[k] + " has a zero gradient in fp32");
      assertTrue(relative <= 0.1, names[k] + ": relative error " + relative);
      assertTrue(cosine >= 0.99, names[k] + ": cosine " + cosine);
    }
  }

  @Test
  void aCpuWithoutBf16FlagsRunsFp32(@TempDir Path dir) throws IOException {
    Path without = dir.resolve("cpuinfo");
    Files.writeString(without, "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f avx512bw\n");
    assertFalse(Precision.cpuFlags(without));
    Path with = dir.resolve("cpuinfo-bf16");
    Files.writeString(with, "processor\t: 0\nflags\t\t: fpu avx512f avx512_bf16 avx512_vnni\n");
    assertTrue(Precision.cpuFlags(with));
    Path amx = dir.resolve("cpuinfo-amx");
    Files.writeString(amx, "flags\t\t: fpu amx_tile amx_bf16\n");
    assertTrue(Precision.cpuFlags(amx));
    assertFalse(Precision.cpuFlags(dir.resolve("missing")));
    assertEquals(Precision.FP32, Precision.FP32.effective());
  }

  private static int argMax(float[] logits, int row, int classes) {
    int best = 0;
    for (int k = 1; k < classes; k++) {
      if (logits[row * classes + k] > logits[row * classes + best]) {
        best = k;
      }
    }
    return best;
  }
}
