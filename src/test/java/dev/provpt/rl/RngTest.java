package dev.provpt.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {
  private static final int N = 20_000;

  @Test
  void savedStateContinuesTheSameSequence() {
    Rng rng = new Rng(42);
    for (int i = 0; i < 5; i++) {
      rng.nextGaussian();
    }
    Rng resumed = new Rng(rng.state());
    for (int i = 0; i < 100; i++) {
      assertEquals(rng.nextLong(), resumed.nextLong());
      assertEquals(rng.gamma(0.7), resumed.gamma(0.7));
      assertEquals(rng.beta(2, 3), resumed.beta(2, 3));
    }
    assertNotEquals(new Rng(1).nextLong(), new Rng(2).nextLong());
  }

  @Test
  void matchesTheSplitMix64ReferenceValues() {
    // First outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    Rng rng = new Rng(0);
    assertEquals(0xE220A8397B1DCDAFL, rng.nextLong());
    assertEquals(0x6E789E6AA1B965F4L, rng.nextLong());
    assertEquals(0x06C45D188009454FL, rng.nextLong());
  }

  @Test
  void uniformDrawsStayInRangeWithTheRightMean() {
    Rng rng = new Rng(7);
    double sum = 0;
    int[] counts = new int[5];
    for (int i = 0; i < N; i++) {
      double u = rng.nextDouble();
      assertTrue(u >= 0 && u < 1, "nextDouble out of [0, 1): " + u);
      sum += u;
      counts[rng.nextInt(5)]++;
    }
    assertEquals(0.5, sum / N, 0.01);
    for (int c : counts) {
      assertEquals(N / 5.0, c, N * 0.02);
    }
    assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
  }

  @Test
  void gaussianHasMeanZeroAndUnitVariance() {
    Rng rng = new Rng(8);
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < N; i++) {
      double g = rng.nextGaussian();
      sum += g;
      squares += g * g;
    }
    assertEquals(0, sum / N, 0.03);
    assertEquals(1, squares / N, 0.04);
  }

  @Test
  void gammaHasMeanAndVarianceEqualToItsShape() {
    Rng rng = new Rng(9);
    for (double shape : new double[] {0.4, 1.0, 3.7}) {
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < N; i++) {
        double x = rng.gamma(shape);
        assertTrue(x >= 0, "gamma draw below zero: " + x);
        sum += x;
        squares += x * x;
      }
      double mean = sum / N;
      assertEquals(shape, mean, 0.05 * shape + 0.01, "mean of Gamma(" + shape + ")");
      assertEquals(shape, squares / N - mean * mean, 0.1 * shape, "variance of Gamma(" + shape + ")");
    }
    assertThrows(IllegalArgumentException.class, () -> rng.gamma(0));
  }

  @Test
  void betaHasTheRightMean() {
    Rng rng = new Rng(10);
    double sum = 0;
    for (int i = 0; i < N; i++) {
      double x = rng.beta(2, 6);
      assertTrue(x >= 0 && x <= 1, "beta draw outside [0, 1]: " + x);
      sum += x;
    }
    assertEquals(0.25, sum / N, 0.01);
  }

  /**
   * A bound of 3·2^29 leaves [0, 2^31) one complete stretch and a third of another: without the
   * rejection, values below 2^29 would come up half the time instead of a third.
   */
  @Test
  void nextIntHasNoModuloBiasAtALargeBound() {
    Rng rng = new Rng(17);
    int n = 3 << 29;
    int low = 0;
    for (int i = 0; i < 20_000; i++) {
      int v = rng.nextInt(n);
      assertTrue(v >= 0 && v < n, "nextInt(" + n + ") gave " + v);
      low += v < (1 << 29) ? 1 : 0;
    }
    assertEquals(1.0 / 3, low / 20_000.0, 0.02);
  }
}
