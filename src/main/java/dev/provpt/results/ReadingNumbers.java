package dev.provpt.results;

import dev.provpt.stats.MeanInterval;
import dev.provpt.stats.StudentT;
import java.util.Locale;

/** How the computed reading ({@link ResultsReading}) writes its numbers: p-values, t quantiles, percentage points. */
final class ReadingNumbers {
  private ReadingNumbers() {}

  /** A p-value: three decimals, "< 0.001" below that. */
  static String p(double value) {
    return value < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", value);
  }

  /** The two-sided 95% t quantile with n − 1 degrees of freedom, two decimals. */
  static String t(int n) {
    return String.format(Locale.ROOT, "%.2f", StudentT.quantile(1 - (1 - MeanInterval.LEVEL) / 2, n - 1));
  }

  /** 2 / 2^n, the smallest two-sided p either test can give n non-zero differences. */
  static String smallestP(int n) {
    return new java.math.BigDecimal(2 / Math.pow(2, n)).round(new java.math.MathContext(4)).stripTrailingZeros()
        .toPlainString();
  }

  static String number(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String pp(double v) {
    return String.format(Locale.ROOT, "%.2f", 100 * v);
  }
}
