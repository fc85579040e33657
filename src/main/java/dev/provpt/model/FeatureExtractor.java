package dev.provpt.model;

import dev.provpt.tf.Tensors;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Runs a backbone's {@code features} signature without prompts: the [CLS] token after the final
 * LayerNorm, for already-normalised NHWC images. It reads the SavedModel as stored, so it is
 * also what parity checks against other implementations compare.
 */
public final class FeatureExtractor implements AutoCloseable {
  private final VitConfig config;
  private final SavedModelBundle bundle;

  public FeatureExtractor(Path backboneDirectory) {
    Backbone.Opened opened = Backbone.openChecked(backboneDirectory);
    this.config = opened.config();
    this.bundle = opened.bundle();
  }

  public VitConfig config() {
    return config;
  }

  /**
   * @param images {@code count} images of {@code [S, S, C]} floats (the backbone's resolution)
   * @return {@code [count, width]} features, row-major
   */
  public float[] features(float[] images, int count, int batchSize) {
    int pixels = config.imageSize() * config.imageSize() * config.channels();
    if (images.length != (long) count * pixels) {
      throw new IllegalArgumentException(images.length + " values are not " + count + " images of "
          + config.imageSize() + "x" + config.imageSize() + "x" + config.channels());
    }
    int d = config.width();
    float[] out = new float[count * d];
    for (int start = 0; start < count; start += batchSize) {
      int n = Math.min(batchSize, count - start);
      float[] batch = java.util.Arrays.copyOfRange(images, start * pixels, (start + n) * pixels);
      try (Tensor x = Tensors.floats(batch, n, config.imageSize(), config.imageSize(), config.channels());
           TFloat32 pool = TFloat32.tensorOf(Shape.of(0, d));
           TInt32 block = TInt32.tensorOf(Shape.of(0));
           Result r = bundle.function(Backbone.FEATURES_SIGNATURE)
               .call(Map.of("images", x, "prompt_pool", pool, "prompt_block", block))) {
        float[] f = Tensors.toFloats(r.get("features").orElseThrow());
        System.arraycopy(f, 0, out, start * d, n * d);
      }
    }
    return out;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
