package dev.provpt.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Wilcoxon's signed-rank test and the sign test, exact p-values counted by hand in the comments. */
class PairedTestsTest {
  @Test
  void signedRankWithoutTies() {
    // d = 1, 2, 3, −4, 5: ranks 1..5, W+ = 1 + 2 + 3 + 5 = 11, W− = 4, E W+ = 15/2 = 7.5, |11 − 7.5| = 3.5.
    // The 32 sign patterns give W+ = 0..15 this often: 1 1 1 2 2 3 3 3 3 3 3 2 2 1 1 1;
    // W+ ≥ 11: 2 + 2 + 1 + 1 + 1 = 7, W+ ≤ 4: 1 + 1 + 1 + 2 + 2 = 7, p = 14/32 = 0.4375
    var r = SignedRankTest.of(List.of(0.01, 0.02, 0.03, -0.04, 0.05));
    assertEquals(5, r.n());
    assertEquals(0, r.zeros());
    assertEquals(11, r.wPlus(), 0);
    assertEquals(4, r.wMinus(), 0);
    assertEquals(0.4375, r.p(), 1e-15);
  }

  @Test
  void signedRankAllOneSide() {
    // n = 5 all positive: only W+ = 15 and W+ = 0 are as extreme, p = 2/32 = 0.0625; n = 6: 2/64 = 0.03125
    assertEquals(0.0625, SignedRankTest.of(List.of(0.1, 0.2, 0.3, 0.4, 0.5)).p(), 1e-15);
    assertEquals(0.03125, SignedRankTest.of(List.of(-0.1, -0.2, -0.3, -0.4, -0.5, -0.6)).p(), 1e-15);
    // n = 3 (three tasks) can never go below 2/8 = 0.25
    assertEquals(0.25, SignedRankTest.of(List.of(0.1, 0.2, 0.3)).p(), 1e-15);
  }

  @Test
  void signedRankWithTiesAndAZero() {
    // d = 0, 1, −1, 2, 2, 3: the zero is dropped (n = 5); sizes 1, 1, 2, 2, 3 get ranks 1.5, 1.5, 3.5, 3.5, 5;
    // W+ = 1.5 + 3.5 + 3.5 + 5 = 13.5, W− = 1.5. Doubled ranks 3, 3, 7, 7, 10 (sum 30), doubled W+ 27,
    // |2·27 − 30| = 24: as extreme are doubled sums ≥ 27 or ≤ 3. Sums ≤ 3: {} = 0, {3} twice → 3 patterns;
    // sums ≥ 27 are their complements → 3. p = 6/32 = 0.1875
    var r = SignedRankTest.of(List.of(0.0, 0.01, -0.01, 0.02, 0.02, 0.03));
    assertEquals(5, r.n());
    assertEquals(1, r.zeros());
    assertEquals(13.5, r.wPlus(), 0);
    assertEquals(1.5, r.wMinus(), 0);
    assertEquals(0.1875, r.p(), 1e-15);
  }

  @Test
  void signedRankTiesSurviveFloatingPointNoise() {
    // 0.73 − 0.70 and 0.79 − 0.76 differ in their last bits; to 9 decimals both are 0.03, a tie (ranks 1.5, 1.5)
    var r = SignedRankTest.of(List.of(0.73 - 0.70, -(0.79 - 0.76), 0.74 - 0.74 + 1e-12));
    assertEquals(2, r.n());
    assertEquals(1, r.zeros());
    assertEquals(1.5, r.wPlus(), 0);
    assertEquals(1.5, r.wMinus(), 0);
    assertEquals(1.0, r.p(), 1e-15);
  }

  @Test
  void signedRankOfNothingOrZerosIsOne() {
    var r = SignedRankTest.of(List.of(0.0, 0.0));
    assertEquals(0, r.n());
    assertEquals(2, r.zeros());
    assertEquals(1.0, r.p(), 0);
    assertEquals(1.0, SignedRankTest.of(List.of()).p(), 0);
    assertThrows(IllegalArgumentException.class, () -> SignedRankTest.of(List.of(Double.NaN)));
  }

  @Test
  void signTest() {
    // 5 of 5 positive: P(X ≤ 0) = 1/32, p = 2/32 = 0.0625
    var all = SignTest.of(List.of(0.1, 0.2, 0.3, 0.4, 0.5));
    assertEquals(5, all.positive());
    assertEquals(0.0625, all.p(), 1e-15);
    // 1 ahead, 3 behind: P(X ≤ 1) = (1 + 4)/16, p = 10/16 = 0.625
    assertEquals(0.625, SignTest.of(List.of(0.1, -0.2, -0.3, -0.4)).p(), 1e-15);
    // 2 of 9 positive: P(X ≤ 2) = (1 + 9 + 36)/512 = 46/512, p = 92/512 = 0.1796875
    var nine = SignTest.of(List.of(0.1, 0.2, -0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7));
    assertEquals(2, nine.positive());
    assertEquals(7, nine.negative());
    assertEquals(9, nine.n());
    assertEquals(0.1796875, nine.p(), 1e-15);
    // 0 of 10 positive: p = 2/1024 = 0.001953125
    assertEquals(0.001953125, SignTest.of(java.util.Collections.nCopies(10, -0.01)).p(), 1e-15);
  }

  @Test
  void signTestDropsZerosAndCapsAtOne() {
    // zero dropped: 1 up, 1 down (n = 2): P(X ≤ 1) = 3/4, 2 · 3/4 > 1 → p = 1
    var r = SignTest.of(List.of(0.0, 0.01, -0.01));
    assertEquals(1, r.zeros());
    assertEquals(2, r.n());
    assertEquals(1.0, r.p(), 0);
    // nothing but zeros: p = 1
    assertEquals(1.0, SignTest.of(List.of(0.0, 1e-12)).p(), 0);
    assertEquals(2, SignTest.of(List.of(0.0, 1e-12)).zeros());
  }
}
