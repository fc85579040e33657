package dev.provpt.data.suite;

import dev.provpt.data.ImageSet;
import java.util.SplittableRandom;

/**
 * The suite's shared pixel helpers. A grey image here is a {@code float[]} of size × size values in
 * [0, 1], row-major; the generators convert to 8-bit only at the end. Pure arithmetic with StrictMath
 * and SplittableRandom, so a seed gives the same bytes on any JVM.
 */
final class Raster {

  private Raster() {
  }

  /** Resamples a square grey image: area averaging when shrinking, bilinear (half-pixel centres) when enlarging. */
  static float[] resize(float[] src, int from, int to) {
    if (from == to) {
      return src.clone();
    }
    Weights weights = weights(from, to);
    float[] rows = new float[from * to]; // each source row resampled to `to` columns
    for (int y = 0; y < from; y++) {
      for (int x = 0; x < to; x++) {
        rows[y * to + x] = weights.apply(src, y * from, 1, x);
      }
    }
    float[] dst = new float[to * to];
    for (int y = 0; y < to; y++) {
      for (int x = 0; x < to; x++) {
        dst[y * to + x] = weights.apply(rows, x, to, y);
      }
    }
    return dst;
  }

  /** For each target index, the first source index and the weights of the source indices from there on. */
  private record Weights(int[] first, double[][] values) {
    float apply(float[] src, int offset, int stride, int target) {
      double sum = 0;
      double[] w = values[target];
      for (int k = 0; k < w.length; k++) {
        sum += w[k] * src[offset + (first[target] + k) * stride];
      }
      return (float) sum;
    }
  }

  private static Weights weights(int from, int to) {
    int[] first = new int[to];
    double[][] values = new double[to][];
    double scale = from / (double) to;
    for (int i = 0; i < to; i++) {
      if (to < from) { // area: the source interval [i, i+1) * scale, weighted by overlap
        double lo = i * scale;
        double hi = (i + 1) * scale;
        first[i] = (int) Math.floor(lo);
        int last = Math.min(from - 1, (int) Math.ceil(hi) - 1);
        values[i] = new double[last - first[i] + 1];
        for (int j = first[i]; j <= last; j++) {
          values[i][j - first[i]] = (Math.min(hi, j + 1) - Math.max(lo, j)) / scale;
        }
      } else if (from == 1) {
        values[i] = new double[] {1};
      } else { // bilinear between the two nearest source centres, clamped at the border
        double centre = Math.min(from - 1, Math.max(0, (i + 0.5) * scale - 0.5));
        first[i] = Math.min((int) Math.floor(centre), from - 2);
        double t = centre - first[i];
        values[i] = new double[] {1 - t, t};
      }
    }
    return new Weights(first, values);
  }

  /** Separable Gaussian blur with a kernel of radius ceil(3 sigma), edges clamped. */
  static float[] gaussianBlur(float[] src, int size, double sigma) {
    int radius = (int) Math.ceil(3 * sigma);
    double[] kernel = new double[2 * radius + 1];
    double total = 0;
    for (int k = -radius; k <= radius; k++) {
      kernel[k + radius] = StrictMath.exp(-k * k / (2 * sigma * sigma));
      total += kernel[k + radius];
    }
    float[] rows = new float[src.length];
    float[] dst = new float[src.length];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
          sum += kernel[k + radius] * src[y * size + clamp(x + k, size)];
        }
        rows[y * size + x] = (float) (sum / total);
      }
    }
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
          sum += kernel[k + radius] * rows[clamp(y + k, size) * size + x];
        }
        dst[y * size + x] = (float) (sum / total);
      }
    }
    return dst;
  }

  /**
   * [Simard2003]'s elastic distortion: a random displacement field (uniform in [-1, 1] per pixel),
   * smoothed by a Gaussian of {@code sigma} pixels and scaled by {@code alpha}, sampled bilinearly;
   * outside the image reads as 0.
   */
  static float[] elastic(float[] src, int size, double alpha, double sigma, SplittableRandom random) {
    float[] dx = new float[src.length];
    float[] dy = new float[src.length];
    for (int i = 0; i < src.length; i++) {
      dx[i] = (float) uniform(random, -1, 1);
      dy[i] = (float) uniform(random, -1, 1);
    }
    dx = gaussianBlur(dx, size, sigma);
    dy = gaussianBlur(dy, size, sigma);
    float[] dst = new float[src.length];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int i = y * size + x;
        dst[i] = sample(src, size, x + alpha * dx[i], y + alpha * dy[i]);
      }
    }
    return dst;
  }

  /** Bilinear read at pixel coordinates (x, y); 0 outside the image. */
  private static float sample(float[] src, int size, double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double tx = x - x0;
    double ty = y - y0;
    return (float) ((1 - ty) * ((1 - tx) * at(src, size, x0, y0) + tx * at(src, size, x0 + 1, y0))
        + ty * ((1 - tx) * at(src, size, x0, y0 + 1) + tx * at(src, size, x0 + 1, y0 + 1)));
  }

  private static float at(float[] src, int size, int x, int y) {
    return x < 0 || y < 0 || x >= size || y >= size ? 0f : src[y * size + x];
  }

  private static int clamp(int i, int size) {
    return Math.min(size - 1, Math.max(0, i));
  }

  /** Values in [0, 1] as unsigned bytes (value × 255, rounded; clamped first). */
  static byte[] toBytes(float[] values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) Math.round(Math.min(1f, Math.max(0f, values[i])) * 255f);
    }
    return bytes;
  }

  static float[] toFloats(byte[] bytes) {
    float[] values = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      values[i] = (bytes[i] & 0xff) / 255f;
    }
    return values;
  }

  /** A one-channel set with its grey value copied into {@code channels} channels (the same set when 1). */
  static ImageSet expand(ImageSet grey, int channels) {
    if (channels == grey.channels()) {
      return grey;
    }
    byte[][] images = new byte[grey.size()][];
    for (int i = 0; i < images.length; i++) {
      byte[] src = grey.bytePixels()[i];
      images[i] = new byte[src.length * channels];
      for (int p = 0; p < src.length; p++) {
        for (int c = 0; c < channels; c++) {
          images[i][p * channels + c] = src[p];
        }
      }
    }
    return ImageSet.ofBytes(grey.name(), grey.height(), grey.width(), channels, images, grey.labels(),
        grey.numClasses(), grey.classNames());
  }

  static double uniform(SplittableRandom random, double low, double high) {
    return low + (high - low) * random.nextDouble();
  }

  /** A standard normal draw (Box-Muller with StrictMath, so identical on every JVM). */
  static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble(); // in (0, 1]: log stays finite
    return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * random.nextDouble());
  }
}
