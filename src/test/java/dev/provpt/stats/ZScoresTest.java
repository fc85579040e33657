package dev.provpt.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class ZScoresTest {

  @Test
  void standardisesWithTheSampleStd() {
    // mean 2, sample std 1
    assertArrayEquals(new double[] {-1, 0, 1}, ZScores.of(new double[] {1, 2, 3}, 0), 1e-12);
  }

  /** One value has no spread: its z-score is 0, not NaN (0 / 0). */
  @Test
  void aSingleValueOrEqualValuesStandardiseToZero() {
    assertArrayEquals(new double[] {0}, ZScores.of(new double[] {3}, 1e-8), 0.0);
    assertArrayEquals(new double[] {0, 0}, ZScores.of(new double[] {5, 5}, 1e-8), 0.0);
  }
}
