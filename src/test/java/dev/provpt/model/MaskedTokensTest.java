package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.provpt.tf.Tensors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The masked-image encoder: no mask is the plain network, a masked patch's content never reaches the output. */
class MaskedTokensTest {
  private static final VitConfig C = TinyModels.CONFIG;   // 8 x 8 images, 4 x 4 patches: 4 patches
  private static final int BATCH = 2;

  /** The CLS rows of maskedTokens and features for {@code mask}, on two image batches, as flat arrays. */
  private static float[][] run(float[] mask, float[] imagesA, float[] imagesB) {
    VitWeights weights = TinyModels.weights(C, 3);
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      VisionTransformer vit = new VisionTransformer(tf, C, TinyModels.constants(tf, weights));
      Operand<TFloat32> a = tf.constant(Shape.of(BATCH, 8, 8, 1), DataBuffers.of(imagesA, true, false));
      Operand<TFloat32> b = tf.constant(Shape.of(BATCH, 8, 8, 1), DataBuffers.of(imagesB, true, false));
      Operand<TFloat32> m = tf.constant(Shape.of(BATCH, C.numPatches()), DataBuffers.of(mask, true, false));
      Operand<TFloat32> token = tf.constant(Arrays.copyOf(TinyModels.images(C, 1, 21), C.width()));
      try (Result r = session.runner().fetch(vit.maskedTokens(a, m, token)).fetch(vit.maskedTokens(b, m, token))
          .fetch(vit.features(a, null)).run()) {
        return new float[][] {Tensors.toFloats(r.get(0)), Tensors.toFloats(r.get(1)), Tensors.toFloats(r.get(2))};
      }
    }
  }

  private static float[] cls(float[] tokens, int tokensPerImage) {
    float[] out = new float[BATCH * C.width()];
    for (int i = 0; i < BATCH; i++) {
      System.arraycopy(tokens, i * tokensPerImage * C.width(), out, i * C.width(), C.width());
    }
    return out;
  }

  @Test
  void withNothingMaskedTheClsTokenIsTheUnpromptedFeatureExactly() {
    float[][] out = run(new float[BATCH * C.numPatches()], TinyModels.images(C, BATCH, 1), TinyModels.images(C, BATCH, 2));
    assertArrayEquals(out[2], cls(out[0], C.numPatches() + 1), 0f);
  }

  @Test
  void aMaskedPatchsPixelsDoNotReachAnyToken() {
    float[] a = TinyModels.images(C, BATCH, 1);
    float[] b = a.clone();
    // change only the pixels of patch 1 (rows 0-3, columns 4-7) of every image
    for (int i = 0; i < BATCH; i++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 4; x < 8; x++) {
          b[i * 64 + y * 8 + x] += 1.5f;
        }
      }
    }
    float[] patchOneMasked = {0, 1, 0, 0, 0, 1, 0, 0};
    float[][] masked = run(patchOneMasked, a, b);
    assertArrayEquals(masked[0], masked[1], 0f, "patch 1 is masked: its pixels must not matter");
    float[] otherMasked = {1, 0, 0, 0, 1, 0, 0, 0};
    float[][] seen = run(otherMasked, a, b);
    assertFalse(Arrays.equals(seen[0], seen[1]), "patch 1 is seen: its pixels must matter");
  }
}
