package dev.provpt.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RanksTest {
  @Test
  void tiesShareTheirAverageRank() {
    assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Ranks.of(new double[] {-3, 7, 7, 9}));
  }

  @Test
  void spearmanIsOneForAnyMonotoneMapAndMinusOneReversed() {
    double[] x = {0.1, 5, -2, 3, 8};
    double[] cubed = {0.001, 125, -8, 27, 512};
    assertEquals(1.0, Ranks.spearman(x, cubed), 1e-12);
    assertEquals(-1.0, Ranks.spearman(x, new double[] {-0.001, -125, 8, -27, -512}), 1e-12);
  }

  @Test
  void spearmanMatchesTheTextbookFormulaWithoutTies() {
    double[] a = {86, 97, 99, 100, 101, 103, 106, 110, 112, 113};
    double[] b = {2, 20, 28, 27, 50, 29, 7, 17, 6, 12};
    // 1 - 6 sum d^2 / (n (n^2 - 1)) with sum d^2 = 194 (the classic IQ / TV-hours example)
    assertEquals(1 - 6 * 194.0 / (10 * 99), Ranks.spearman(a, b), 1e-12);
    assertTrue(Double.isNaN(Ranks.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
  }
}
