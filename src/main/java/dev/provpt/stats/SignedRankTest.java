package dev.provpt.stats;

import java.util.Arrays;
import java.util.List;

/**
 * Wilcoxon's signed-rank test of paired differences against a median of zero, two-sided, with an exact p-value.
 * Zeros are dropped (Wilcoxon's own treatment; {@link Result#zeros()} counts them); tied sizes share their average
 * rank, and the p-value is exact for those ranks: the null distribution of W+ is enumerated over all 2^n signs of
 * the ranks actually observed (by counting subset sums of the doubled ranks, which are whole numbers). Values
 * equal to {@link #DIGITS} decimal places are ties, and a value that rounds to zero there is a zero, so that
 * floating-point noise in differences of accuracies neither breaks a tie nor makes a zero.
 */
public final class SignedRankTest {
  /** Decimal places to which differences are compared. */
  public static final int DIGITS = 9;

  /**
   * @param n the non-zero differences ranked
   * @param zeros the differences dropped as zero
   * @param wPlus the sum of the ranks of the positive differences
   * @param wMinus the sum of the ranks of the negative ones
   * @param p the exact two-sided p-value: P(|W+ − E W+| ≥ |observed − E W+|) under random signs; 1 when n = 0
   */
  public record Result(int n, int zeros, double wPlus, double wMinus, double p) {}

  private SignedRankTest() {}

  public static Result of(List<Double> differences) {
    double[] rounded = differences.stream().mapToDouble(SignedRankTest::round).toArray();
    double[] nonZero = Arrays.stream(rounded).filter(d -> d != 0).toArray();
    int n = nonZero.length;
    int zeros = rounded.length - n;
    double[] ranks = Ranks.of(Arrays.stream(nonZero).map(Math::abs).toArray());
    int[] doubled = new int[n];
    int observed = 0;
    int total = 0;
    for (int i = 0; i < n; i++) {
      doubled[i] = (int) Math.round(2 * ranks[i]);
      total += doubled[i];
      if (nonZero[i] > 0) {
        observed += doubled[i];
      }
    }
    double wPlus = observed / 2.0;
    double wMinus = (total - observed) / 2.0;
    if (n == 0) {
      return new Result(0, zeros, 0, 0, 1);
    }
    // ways[s]: how many of the 2^n sign assignments give the positive ranks a doubled sum of s
    double[] ways = new double[total + 1];
    ways[0] = 1;
    for (int r : doubled) {
      for (int s = total; s >= r; s--) {
        ways[s] += ways[s - r];
      }
    }
    long distance = Math.abs(2L * observed - total);
    double extreme = 0;
    for (int s = 0; s <= total; s++) {
      if (Math.abs(2L * s - total) >= distance) {
        extreme += ways[s];
      }
    }
    return new Result(n, zeros, wPlus, wMinus, Math.min(1, extreme / Math.pow(2, n)));
  }

  static double round(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("a signed-rank test needs finite differences, got " + value);
    }
    return new java.math.BigDecimal(value).setScale(DIGITS, java.math.RoundingMode.HALF_EVEN).doubleValue();
  }
}
