package dev.provpt.model;

import dev.provpt.method.PromptMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Small models and data for fast, exact tests. */
final class TinyModels {
  private TinyModels() {}

  static final VitConfig CONFIG = new VitConfig(8, 1, 4, 8, 3, 2, 16, Gelu.EXACT, 1e-6, "none", 3);

  /** Random weights with a larger spread than ViT's init so that every part matters. */
  static VitWeights weights(VitConfig config, long seed) {
    VitWeights base = VitWeights.random(config, seed);
    SplittableRandom random = new SplittableRandom(seed + 1);
    Map<String, WeightTensor> scaled = new LinkedHashMap<>();
    for (String name : base.names()) {
      WeightTensor t = base.get(name);
      float[] v = t.values().clone();
      for (int i = 0; i < v.length; i++) {
        v[i] = v[i] * 5 + (float) (random.nextGaussian() * 0.05);
      }
      scaled.put(name, new WeightTensor(name, t.shape(), v));
    }
    return new VitWeights(scaled);
  }

  /** {@code weights} as graph constants, by name: the weights of a {@link VisionTransformer} built in a test. */
  static Map<String, Operand<TFloat32>> constants(Ops tf, VitWeights weights) {
    Map<String, Operand<TFloat32>> constants = new LinkedHashMap<>();
    for (String name : weights.names()) {
      WeightTensor w = weights.get(name);
      constants.put(name, tf.constant(Shape.of(w.shape()), DataBuffers.of(w.values(), true, false)));
    }
    return constants;
  }

  static float[] images(VitConfig config, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[count * config.imageSize() * config.imageSize() * config.channels()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  static int[] labels(int count, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] v = new int[count];
    for (int i = 0; i < count; i++) {
      v[i] = random.nextInt(classes);
    }
    return v;
  }

  static PromptedModel model(PromptMode mode, int prompts, float dropout) {
    return PromptedModel.create(CONFIG, weights(CONFIG, 7), 3, prompts, mode,
        new PromptedModel.Hyper(0.05f, 0.9f, 0.001f, 0.25f, dropout), 11);
  }

  static float[][] rows(float[] flat, int rows, int width) {
    float[][] out = new float[rows][width];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * width, out[r], 0, width);
    }
    return out;
  }
}
