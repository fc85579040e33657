package dev.provpt.stats;

/**
 * Student's t distribution: its distribution function through the regularized incomplete beta function and its
 * quantile by bisection on that function, for the confidence intervals of paired differences over seeds.
 */
public final class StudentT {
  private static final double EPSILON = 1e-15;
  private static final int MAX_TERMS = 300;

  private StudentT() {}

  /** P(T ≤ t) for T with {@code df} degrees of freedom (df ≥ 1). */
  public static double cdf(double t, int df) {
    requirePositive(df);
    if (Double.isNaN(t)) {
      return Double.NaN;
    }
    // P(|T| > |t|) = I_{df / (df + t²)}(df / 2, 1 / 2)
    double tail = regularizedBeta(df / (df + t * t), df / 2.0, 0.5) / 2;
    return t >= 0 ? 1 - tail : tail;
  }

  /** The {@code p} quantile of t with {@code df} degrees of freedom (df ≥ 1): the t with cdf(t) = p, for 0 < p < 1. */
  public static double quantile(double p, int df) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("a t quantile needs a probability strictly between 0 and 1, got " + p);
    }
    if (p < 0.5) {
      return -quantile(1 - p, df);
    }
    double low = 0;
    double high = 1;
    while (cdf(high, df) < p) {
      high *= 2;
    }
    // 100 halvings of [0, high] leave an interval far below a double's resolution of the answer
    for (int i = 0; i < 100; i++) {
      double mid = (low + high) / 2;
      if (cdf(mid, df) < p) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return (low + high) / 2;
  }

  /** I_x(a, b), the regularized incomplete beta function, for 0 ≤ x ≤ 1 and a, b > 0. */
  static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
    // the continued fraction converges fast for x < (a + 1) / (a + b + 2); the symmetry I_x(a,b) = 1 − I_{1−x}(b,a)
    // brings every other x there
    return x < (a + 1) / (a + b + 2) ? front * betaFraction(x, a, b) / a
        : 1 - front * betaFraction(1 - x, b, a) / b;
  }

  /** The continued fraction of the incomplete beta function, by the modified Lentz method. */
  private static double betaFraction(double x, double a, double b) {
    double tiny = 1e-300;
    double c = 1;
    double d = 1 - (a + b) * x / (a + 1);
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= MAX_TERMS; m++) {
      int m2 = 2 * m;
      double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
      d = 1 + even * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + even / c;
      c = Math.abs(c) < tiny ? tiny : c;
      h *= d * c;
      double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
      d = 1 + odd * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + odd / c;
      c = Math.abs(c) < tiny ? tiny : c;
      double step = d * c;
      h *= step;
      if (Math.abs(step - 1) < EPSILON) {
        return h;
      }
    }
    throw new ArithmeticException("incomplete beta: no convergence for x=" + x + ", a=" + a + ", b=" + b);
  }

  /** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 significant digits). */
  static double logGamma(double x) {
    if (x < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
    double z = x - 1;
    double sum = c[0];
    for (int i = 1; i < c.length; i++) {
      sum += c[i] / (z + i);
    }
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  private static void requirePositive(int df) {
    if (df < 1) {
      throw new IllegalArgumentException("Student's t needs at least 1 degree of freedom, got " + df);
    }
  }
}
