package dev.provpt.convert;

/**
 * Resizes a ViT position embedding to another patch grid for a checkpoint used at a new
 * resolution: the [CLS] row is kept and the grid rows are resampled with bicubic interpolation,
 * matching PyTorch's {@code F.interpolate(mode="bicubic", align_corners=False)} (cubic
 * convolution with A = -0.75). timm resizes the same way but asks PyTorch for antialiasing,
 * whose bicubic kernel differs (A = -0.5, renormalised at the borders).
 */
public final class PositionEmbeddings {
  private static final double A = -0.75;

  private PositionEmbeddings() {}

  /**
   * @param pos {@code [1 + grid*grid, width]}, row-major, [CLS] first
   * @return {@code [1 + newGrid*newGrid, width]}
   */
  public static float[] resize(float[] pos, int grid, int newGrid, int width) {
    if (pos.length != (1 + grid * grid) * width) {
      throw new IllegalArgumentException("position embedding holds " + pos.length + " values, expected (1 + "
          + grid + "^2) x " + width);
    }
    float[] out = new float[(1 + newGrid * newGrid) * width];
    System.arraycopy(pos, 0, out, 0, width);
    // Separable: resample along columns, then along rows, in double precision.
    double[] rowsResized = new double[grid * newGrid * width];
    double[][] colWeights = new double[newGrid][];
    int[][] colTaps = new int[newGrid][];
    taps(grid, newGrid, colTaps, colWeights);
    for (int r = 0; r < grid; r++) {
      for (int c = 0; c < newGrid; c++) {
        for (int k = 0; k < 4; k++) {
          int src = 1 + r * grid + colTaps[c][k];
          double w = colWeights[c][k];
          for (int d = 0; d < width; d++) {
            rowsResized[(r * newGrid + c) * width + d] += w * pos[src * width + d];
          }
        }
      }
    }
    for (int r = 0; r < newGrid; r++) {
      for (int c = 0; c < newGrid; c++) {
        for (int d = 0; d < width; d++) {
          double v = 0;
          for (int k = 0; k < 4; k++) {
            v += colWeights[r][k] * rowsResized[(colTaps[r][k] * newGrid + c) * width + d];
          }
          out[(1 + r * newGrid + c) * width + d] = (float) v;
        }
      }
    }
    return out;
  }

  /** Source taps and weights of every output index (the same for rows and columns: the grid is square). */
  private static void taps(int in, int out, int[][] taps, double[][] weights) {
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      // align_corners=False: pixel centres line up; PyTorch does not clamp this for cubic.
      double src = (o + 0.5) * scale - 0.5;
      int base = (int) Math.floor(src);
      double t = src - base;
      weights[o] = new double[] {far(t + 1), near(t), near(1 - t), far(2 - t)};
      taps[o] = new int[4];
      for (int k = 0; k < 4; k++) {
        taps[o][k] = Math.min(Math.max(base - 1 + k, 0), in - 1);
      }
    }
  }

  /** Cubic convolution kernel for |x| <= 1. */
  private static double near(double x) {
    return ((A + 2) * x - (A + 3)) * x * x + 1;
  }

  /** Cubic convolution kernel for 1 < |x| < 2. */
  private static double far(double x) {
    return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  }
}
