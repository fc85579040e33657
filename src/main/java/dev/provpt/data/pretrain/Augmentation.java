package dev.provpt.data.pretrain;

import java.util.SplittableRandom;

/**
 * Appearance changes for a pre-training instance, on top of the geometry its generator already
 * varies: stroke width (a 3 × 3 grey dilation or erosion, blended in by a random share), contrast,
 * and Gaussian pixel noise. Each draws from the instance's own stream, so an image stays a function
 * of its seed.
 */
public final class Augmentation {
  static final double THICKER = 0.3;
  static final double THINNER = 0.2;
  static final double DIMMER = 0.3;
  static final double NOISY = 0.5;
  static final double MAX_NOISE = 0.08;

  private Augmentation() {
  }

  /** {@code image} (size × size grey bytes) changed in place and returned. */
  public static byte[] apply(byte[] image, int size, SplittableRandom random) {
    float[] v = new float[image.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (image[i] & 0xff) / 255f;
    }
    double stroke = random.nextDouble();
    if (stroke < THICKER) {
      blend(v, morph(v, size, true), random.nextDouble(0.3, 1.0));
    } else if (stroke < THICKER + THINNER) {
      blend(v, morph(v, size, false), random.nextDouble(0.3, 0.7));
    }
    if (random.nextDouble() < DIMMER) {
      float contrast = (float) random.nextDouble(0.5, 1.0);
      for (int i = 0; i < v.length; i++) {
        v[i] *= contrast;
      }
    }
    if (random.nextDouble() < NOISY) {
      double sigma = random.nextDouble(0, MAX_NOISE);
      for (int i = 0; i < v.length; i++) {
        v[i] += (float) (sigma * random.nextGaussian());
      }
    }
    for (int i = 0; i < v.length; i++) {
      image[i] = (byte) Math.round(255 * Math.min(1f, Math.max(0f, v[i])));
    }
    return image;
  }

  /** The 3 × 3 maximum (dilate) or minimum (erode) of every pixel, the border counted as black. */
  static float[] morph(float[] v, int size, boolean dilate) {
    float[] out = new float[v.length];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        float best = dilate ? 0f : 1f;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int yy = y + dy;
            int xx = x + dx;
            float p = yy < 0 || yy >= size || xx < 0 || xx >= size ? 0f : v[yy * size + xx];
            best = dilate ? Math.max(best, p) : Math.min(best, p);
          }
        }
        out[y * size + x] = best;
      }
    }
    return out;
  }

  private static void blend(float[] v, float[] target, double share) {
    for (int i = 0; i < v.length; i++) {
      v[i] += (float) (share * (target[i] - v[i]));
    }
  }
}
