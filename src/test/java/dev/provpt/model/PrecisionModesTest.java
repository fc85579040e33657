package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.provpt.idleness.Estimator;
import dev.provpt.method.PromptMode;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every prompt mode and estimator runs in bf16, and the tuning graph with XLA on runs XLA kernels to the same losses.
 * (That fp32 and XLA off are the defaults is PrecisionSettingsTest's.)
 */
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

  /**
   * XLA's CPU clustering is fixed by the first session a process optimises, and in a test JVM another class may
   * have run one first; so the check runs in a JVM of its own ({@link XlaCheck}), which must show XLA kernels
   * ({@code _XlaCompile} / {@code _XlaRun}) in the traced steps of the XLA model and none in the plain one.
   */
  @Test
  @Tag("slow") // XLA compiles the graph's clusters: about a minute on 2 cores
  void xlaTrainsTheTuningGraphToTheSameLossesInFp32AndBf16() throws Exception {
    String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(javaBin, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
        XlaCheck.class.getName()).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), out);
    List<String> precisions = Precision.bf16Supported() ? List.of("fp32", "bf16") : List.of("fp32");
    for (String precision : precisions) {
      var line = out.lines().filter(l -> l.startsWith("xla " + precision + " ")).findFirst();
      assertTrue(line.isPresent(), out);
      String[] f = line.get().split(" ");
      assertEquals("0", f[3], "the plain model ran XLA kernels: " + line.get());
      assertTrue(Integer.parseInt(f[5]) > 0, "the XLA model ran no XLA kernel: " + line.get());
    }
  }

  /** The XLA check's own process: XLA enabled before any session; prints "xla PRECISION plain N jit M". */
  static final class XlaCheck {
    public static void main(String[] args) {
      Xla.enableCpuAutoClustering();
      PrecisionModesTest t = new PrecisionModesTest();
      int[] assignment = {0, 1, 1, 2, 0};
      for (Precision precision : List.of(Precision.FP32, Precision.BF16)) {
        if (precision == Precision.BF16 && !Precision.bf16Supported()) {
          continue;
        }
        int[] xlaKernels = new int[2];
        try (PromptedModel plain = model(PromptMode.DEEP, 5, precision, Xla.OFF);
             PromptedModel jit = model(PromptMode.DEEP, 5, precision, Xla.ON)) {
          plain.trace(m -> xlaKernels[0] += xlaKernels(m));
          jit.trace(m -> xlaKernels[1] += xlaKernels(m));
          for (int step = 0; step < 3; step++) {
            float a = plain.train(t.images, t.labels, BATCH, assignment, step).loss();
            float b = jit.train(t.images, t.labels, BATCH, assignment, step).loss();
            double tolerance = (precision == Precision.FP32 ? 1e-4 : 0.05) * Math.max(1, a);
            if (!(Math.abs(a - b) <= tolerance)) {
              System.out.println(precision.key + " step " + step + ": loss " + a + " without XLA, " + b + " with it");
              System.exit(1);
            }
          }
        }
        System.out.println("xla " + precision.key + " plain " + xlaKernels[0] + " jit " + xlaKernels[1]);
      }
      System.exit(0);
    }

    private static int xlaKernels(org.tensorflow.proto.RunMetadata metadata) {
      int n = 0;
      for (var device : metadata.getStepStats().getDevStatsList()) {
        for (var node : device.getNodeStatsList()) {
          String label = node.getTimelineLabel() + " " + node.getNodeName();
          n += label.contains("_XlaRun") || label.contains("_XlaCompile") ? 1 : 0;
        }
      }
      return n;
    }
  }
}
