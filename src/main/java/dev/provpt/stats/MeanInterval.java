package dev.provpt.stats;

import java.util.List;

/**
 * The mean of n values (paired differences over seeds) with its two-sided confidence interval by Student's t on
 * n − 1 degrees of freedom: mean ± t(1 − α/2, n − 1) · s / √n, s the sample standard deviation. With fewer than
 * two values there is no interval: {@link #low()} and {@link #high()} are NaN and {@link #excludesZero()} is false.
 */
public record MeanInterval(int n, double mean, double std, double level, double low, double high) {
  /** The confidence level of the results page. */
  public static final double LEVEL = 0.95;

  public static MeanInterval of(List<Double> values) {
    return of(values, LEVEL);
  }

  public static MeanInterval of(List<Double> values, double level) {
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("a confidence level must lie strictly between 0 and 1, got " + level);
    }
    int n = values.size();
    double mean = Moments.mean(values);
    double std = Moments.sampleStd(values);
    if (n < 2) {
      return new MeanInterval(n, mean, std, level, Double.NaN, Double.NaN);
    }
    double half = StudentT.quantile(1 - (1 - level) / 2, n - 1) * std / Math.sqrt(n);
    return new MeanInterval(n, mean, std, level, mean - half, mean + half);
  }

  /** Whether there is an interval at all (two values or more). */
  public boolean defined() {
    return n >= 2;
  }

  /** Half the interval's width; NaN without an interval. */
  public double halfWidth() {
    return defined() ? (high - low) / 2 : Double.NaN;
  }

  /** True when the whole interval lies above zero or the whole interval below it. */
  public boolean excludesZero() {
    return defined() && (low > 0 || high < 0);
  }
}
