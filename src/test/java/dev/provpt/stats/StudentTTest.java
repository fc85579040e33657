package dev.provpt.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Student's t against closed forms (df 1 and 2) and printed tables (df 4, 10, 30). */
class StudentTTest {
  @Test
  void theQuantileWithOneDegreeOfFreedomIsTheCauchyOne() {
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π, so t(0.975) = tan(π · 0.475) = tan(85.5°)
    // = 1 / tan(4.5°) = 1 / 0.07870171 = 12.7062047
    assertEquals(12.7062047, StudentT.quantile(0.975, 1), 1e-6);
    // t(0.75) = tan(π/4) = 1
    assertEquals(1.0, StudentT.quantile(0.75, 1), 1e-9);
    assertEquals(0.75, StudentT.cdf(1, 1), 1e-12);
    assertEquals(-12.7062047, StudentT.quantile(0.025, 1), 1e-6);
  }

  @Test
  void theQuantileWithTwoDegreesOfFreedomHasAClosedForm() {
    // df = 2: F(t) = 1/2 + t / (2 √(2 + t²)), so t(p) = (2p − 1) / √(2p(1 − p));
    // t(0.975) = 0.95 / √(2 · 0.975 · 0.025) = 0.95 / √0.04875 = 0.95 / 0.22079402 = 4.3026527
    assertEquals(4.3026527, StudentT.quantile(0.975, 2), 1e-6);
    // F(1) = 1/2 + 1 / (2√3) = 0.5 + 0.28867513 = 0.78867513
    assertEquals(0.78867513, StudentT.cdf(1, 2), 1e-8);
    assertEquals(1 - 0.78867513, StudentT.cdf(-1, 2), 1e-8);
  }

  @Test
  void theQuantileMatchesPrintedTables() {
    // two-sided 95% critical values as printed in t tables (e.g. Fisher and Yates): 2.776, 2.228, 2.042
    assertEquals(2.7764451, StudentT.quantile(0.975, 4), 1e-6);
    assertEquals(2.2281389, StudentT.quantile(0.975, 10), 1e-6);
    assertEquals(2.0422725, StudentT.quantile(0.975, 30), 1e-6);
    assertEquals(0.5, StudentT.cdf(0, 7), 1e-15);
    // the median is 0 for every df (symmetry)
    assertEquals(0.0, StudentT.quantile(0.5, 1), 1e-12);
    assertEquals(0.0, StudentT.quantile(0.5, 9), 1e-12);
    // the quantile grows as the degrees of freedom fall
    for (int df = 1; df < 30; df++) {
      assertTrue(StudentT.quantile(0.975, df) > StudentT.quantile(0.975, df + 1), "df " + df);
    }
  }

  @Test
  void theIncompleteBetaAndGammaMeetKnownValues() {
    // I_x(1, 1) = x; I_x(2, 1) = x²; I_x(1, 2) = 1 − (1 − x)²
    assertEquals(0.3, StudentT.regularizedBeta(0.3, 1, 1), 1e-13);
    assertEquals(0.09, StudentT.regularizedBeta(0.3, 2, 1), 1e-13);
    assertEquals(0.51, StudentT.regularizedBeta(0.3, 1, 2), 1e-13);
    assertEquals(0.0, StudentT.regularizedBeta(0, 2, 3), 0);
    assertEquals(1.0, StudentT.regularizedBeta(1, 2, 3), 0);
    // Γ(5) = 24, Γ(1/2) = √π
    assertEquals(Math.log(24), StudentT.logGamma(5), 1e-13);
    assertEquals(0.5 * Math.log(Math.PI), StudentT.logGamma(0.5), 1e-13);
    assertEquals(Math.log(Math.PI / Math.sin(Math.PI * 0.25)) - StudentT.logGamma(0.75), StudentT.logGamma(0.25),
        1e-13);
  }

  @Test
  void badArgumentsAreRefusedByName() {
    var e = assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.975, 0));
    assertTrue(e.getMessage().contains("degree of freedom, got 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 3));
    assertTrue(e.getMessage().contains("got 1.0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.0, 3));
    e = assertThrows(IllegalArgumentException.class, () -> StudentT.cdf(1.0, 0));
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    assertTrue(Double.isNaN(StudentT.cdf(Double.NaN, 3)));
  }
}
