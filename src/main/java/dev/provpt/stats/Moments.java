package dev.provpt.stats;

import java.util.List;

/** The mean and the sample standard deviation (n − 1) of results over seeds. */
public final class Moments {
  private Moments() {}

  /** NaN for no values. */
  public static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Sample standard deviation (n − 1); 0 for fewer than two values. */
  public static double sampleStd(List<Double> values) {
    if (values.size() < 2) {
      return 0;
    }
    double m = mean(values);
    double squares = values.stream().mapToDouble(v -> (v - m) * (v - m)).sum();
    return Math.sqrt(squares / (values.size() - 1));
  }
}
