package dev.provpt.stats;

import java.util.List;

/**
 * The sign test of paired differences against a median of zero, two-sided, exact: under the null each non-zero
 * difference is positive with probability ½, so the count of positives is Binomial(n, ½), and
 * p = min(1, 2 · P(X ≤ min(positives, negatives))). Zeros (to {@link SignedRankTest#DIGITS} decimal places) are
 * dropped and counted.
 */
public final class SignTest {
  /** @param p the exact two-sided p-value; 1 when no difference is non-zero */
  public record Result(int positive, int negative, int zeros, double p) {
    public int n() {
      return positive + negative;
    }
  }

  private SignTest() {}

  public static Result of(List<Double> differences) {
    int positive = 0;
    int negative = 0;
    for (double d : differences) {
      double r = SignedRankTest.round(d);
      if (r > 0) {
        positive++;
      } else if (r < 0) {
        negative++;
      }
    }
    int zeros = differences.size() - positive - negative;
    int n = positive + negative;
    int fewer = Math.min(positive, negative);
    double tail = 0;
    double choose = 1; // C(n, i), built up from C(n, 0)
    for (int i = 0; i <= fewer; i++) {
      tail += choose;
      choose = choose * (n - i) / (i + 1);
    }
    return new Result(positive, negative, zeros, Math.min(1, 2 * tail / Math.pow(2, n)));
  }
}
