package dev.provpt.train;

import dev.provpt.model.VitConfig;
import dev.provpt.tf.HostVariables;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The parts of SimMIM's masked-image modelling that pre-training adds around the encoder: the learnt mask token
 * that stands in for a masked patch, and a linear decoder from each output patch token to its patch's pixels.
 * Neither is exported with the backbone; both are in the saved training state.
 */
final class MaskedImageHead {
  private final Ops tf;
  private final VitConfig config;
  private final Variable<TFloat32> maskToken;
  private final Variable<TFloat32> decoderKernel;
  private final Variable<TFloat32> decoderBias;

  MaskedImageHead(Ops tf, VitConfig config, long seed) {
    this.tf = tf;
    this.config = config;
    int pixels = pixelsPerPatch(config);
    SplittableRandom random = new SplittableRandom(seed ^ 0x4D494DL);
    maskToken = HostVariables.initialised(tf, "mim.mask_token", new long[] {config.width()},
        gaussian(random, config.width()));
    decoderKernel = HostVariables.initialised(tf, "mim.decoder.kernel", new long[] {config.width(), pixels},
        gaussian(random, config.width() * pixels));
    decoderBias = HostVariables.initialised(tf, "mim.decoder.bias", new long[] {pixels}, new float[pixels]);
  }

  /** The mask token, the decoder's kernel and its bias. */
  java.util.List<Variable<TFloat32>> variables() {
    return java.util.List.of(maskToken, decoderKernel, decoderBias);
  }

  Operand<TFloat32> maskToken() {
    return maskToken;
  }

  /**
   * Mean absolute error between the decoder's prediction from {@code patchTokens} ({@code [B, N, D]}) and the
   * pixels of {@code images}, over the masked patches only (SimMIM's loss).
   */
  Operand<TFloat32> loss(Operand<TFloat32> patchTokens, Operand<TFloat32> images, Operand<TFloat32> patchMask) {
    int n = config.numPatches();
    int pixels = pixelsPerPatch(config);
    Operand<TFloat32> flat = tf.reshape(patchTokens, tf.constant(new int[] {-1, config.width()}));
    Operand<TFloat32> predicted = tf.reshape(tf.nn.biasAdd(tf.linalg.matMul(flat, decoderKernel), decoderBias),
        tf.constant(new int[] {-1, n, pixels}));
    Operand<TFloat32> perPatch = tf.math.mean(tf.math.abs(tf.math.sub(predicted, patchesOf(images))),
        tf.constant(2));
    Operand<TFloat32> masked = tf.sum(patchMask, tf.constant(new int[] {0, 1}));
    return tf.math.div(tf.sum(tf.math.mul(perPatch, patchMask), tf.constant(new int[] {0, 1})),
        tf.math.maximum(masked, tf.constant(1f)));
  }

  /** {@code [B, H, W, C]} as {@code [B, N, p * p * C]}, patches in the patch embedding's row-major order. */
  Operand<TFloat32> patchesOf(Operand<TFloat32> images) {
    int p = config.patchSize();
    int side = config.imageSize() / p;
    Operand<TFloat32> grid = tf.reshape(images, tf.constant(new int[] {-1, side, p, side, p, config.channels()}));
    return tf.reshape(tf.linalg.transpose(grid, tf.constant(new int[] {0, 1, 3, 2, 4, 5})),
        tf.constant(new int[] {-1, side * side, pixelsPerPatch(config)}));
  }

  /**
   * For each of {@code batch} images, exactly {@code round(ratio * patches)} of its patches marked 1 (masked),
   * chosen uniformly; the same {@code seed} and {@code step} give the same mask.
   */
  static float[] randomMask(int batch, int patches, double ratio, long seed, long step) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
    int masked = (int) Math.round(ratio * patches);
    float[] mask = new float[batch * patches];
    int[] order = new int[patches];
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j < patches; j++) {
        order[j] = j;
      }
      for (int j = 0; j < masked; j++) {   // a partial Fisher-Yates shuffle: the first `masked` are the choice
        int k = j + random.nextInt(patches - j);
        int t = order[j];
        order[j] = order[k];
        order[k] = t;
        mask[i * patches + order[j]] = 1f;
      }
    }
    return mask;
  }

  static int pixelsPerPatch(VitConfig config) {
    return config.patchSize() * config.patchSize() * config.channels();
  }

  private static float[] gaussian(SplittableRandom random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (0.02 * random.nextGaussian());
    }
    return values;
  }
}
