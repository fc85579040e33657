package dev.provpt.stats;

/**
 * z-normalisation as [PRO-VPT-code] does it (torch's {@code (x - x.mean()) /
 * (x.std() + eps)}): the sample standard deviation (n - 1), taken as 0 for a single value.
 * Used for the allocator's block-idleness state and for PPO's normalised returns.
 */
public final class ZScores {
  private ZScores() {}

  public static double[] of(double[] values, double epsilon) {
    int n = values.length;
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= n;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    double std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      z[i] = (values[i] - mean) / (std + epsilon);
    }
    return z;
  }
}
