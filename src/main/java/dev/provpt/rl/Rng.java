package dev.provpt.rl;

/**
 * SplitMix64: a tiny deterministic generator whose whole state is one {@code long}, so a
 * checkpoint that stores {@link #state()} resumes the exact same sequence.
 *
 * <p>Nothing is cached between calls (no spare Gaussian), which is what keeps the state a single
 * number. Not thread-safe.
 */
public final class Rng {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  /** A generator that starts from {@code state} (any value, including a seed or a saved state). */
  public Rng(long state) {
    this.state = state;
  }

  /** The state to save; {@code new Rng(state())} continues with the same numbers as this one. */
  public long state() {
    return state;
  }

  public long nextLong() {
    long z = state += GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1), 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, n), without modulo bias. */
  public int nextInt(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("nextInt bound must be > 0, got " + n);
    }
    int bits;
    int value;
    do {
      bits = (int) (nextLong() >>> 33);
      value = bits % n;
    } while (bits - value + (n - 1) < 0); // reject the incomplete last stretch of [0, 2^31)
    return value;
  }

  /** Standard normal (Box–Muller; the second value is discarded so no state is hidden). */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble(); // (0, 1]: log stays finite
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang (2000); shapes below 1 use the boost U^(1/shape). */
  public double gamma(double shape) {
    if (!(shape > 0) || Double.isInfinite(shape)) {
      throw new IllegalArgumentException("gamma shape must be a finite number > 0, got " + shape);
    }
    if (shape < 1) {
      double boost = Math.pow(1.0 - nextDouble(), 1.0 / shape);
      return gamma(shape + 1) * boost;
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
    while (true) {
      double x = nextGaussian();
      double v = 1.0 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = nextDouble();
      double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2) {
        return d * v;
      }
      if (Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
  public double beta(double a, double b) {
    double x = gamma(a);
    double y = gamma(b);
    return x / (x + y);
  }
}
