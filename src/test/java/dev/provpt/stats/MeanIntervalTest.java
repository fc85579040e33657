package dev.provpt.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The 95% interval of a mean difference, each computed by hand in its comment. */
class MeanIntervalTest {
  @Test
  void twoSeedsUseOneDegreeOfFreedom() {
    // {0.03, 0.05}: mean 0.04, s = √((0.01² + 0.01²) / 1) = 0.0141421, s/√2 = 0.01,
    // half width 12.7062047 · 0.01 = 0.127062 → [−0.087062, 0.167062]: zero inside
    MeanInterval i = MeanInterval.of(List.of(0.03, 0.05));
    assertEquals(2, i.n());
    assertEquals(0.04, i.mean(), 1e-12);
    assertEquals(-0.087062, i.low(), 1e-6);
    assertEquals(0.167062, i.high(), 1e-6);
    assertEquals(0.127062, i.halfWidth(), 1e-6);
    assertFalse(i.excludesZero());
  }

  @Test
  void threeSeedsUseTwoDegreesOfFreedom() {
    // {0.01, 0.02, 0.06}: mean 0.03, squares 0.0004 + 0.0001 + 0.0009 = 0.0014, s = √0.0007 = 0.0264575,
    // s/√3 = 0.0152753, half width 4.3026527 · 0.0152753 = 0.0657243 → [−0.0357243, 0.0957243]: zero inside
    MeanInterval wide = MeanInterval.of(List.of(0.01, 0.02, 0.06));
    assertEquals(-0.0357243, wide.low(), 1e-6);
    assertEquals(0.0957243, wide.high(), 1e-6);
    assertFalse(wide.excludesZero());
    // {0.05, 0.06, 0.07}: mean 0.06, s = 0.01, s/√3 = 0.00577350, half width 4.3026527 · 0.0057735 = 0.0248414
    // → [0.0351586, 0.0848414]: above zero
    MeanInterval above = MeanInterval.of(List.of(0.05, 0.06, 0.07));
    assertEquals(0.0351586, above.low(), 1e-6);
    assertEquals(0.0848414, above.high(), 1e-6);
    assertTrue(above.excludesZero());
    // the same, negated: below zero
    MeanInterval below = MeanInterval.of(List.of(-0.05, -0.06, -0.07));
    assertEquals(-0.0848414, below.low(), 1e-6);
    assertEquals(-0.0351586, below.high(), 1e-6);
    assertTrue(below.excludesZero());
  }

  @Test
  void anIntervalTouchingZeroDoesNotExcludeIt() {
    // {a, b} with mean m and s/√2 = |a − b| / 2: half width 12.7062047 · |a − b| / 2; a mean exactly that far
    // from zero puts zero on the edge, and the edge counts as inside
    double half = StudentT.quantile(0.975, 1) * 0.5;
    MeanInterval edge = new MeanInterval(2, half, Math.sqrt(0.5), 0.95, 0, 2 * half);
    assertFalse(edge.excludesZero());
    MeanInterval upperEdge = new MeanInterval(2, -half, Math.sqrt(0.5), 0.95, -2 * half, 0);
    assertFalse(upperEdge.excludesZero());
    assertTrue(MeanInterval.of(List.of(1.0, 2.0)).defined());
  }

  @Test
  void oneValueHasNoInterval() {
    MeanInterval one = MeanInterval.of(List.of(0.2));
    assertFalse(one.defined());
    assertFalse(one.excludesZero());
    assertTrue(Double.isNaN(one.low()) && Double.isNaN(one.high()) && Double.isNaN(one.halfWidth()));
    assertEquals(0.2, one.mean(), 0);
    for (double level : new double[] {0.0, 1.0, -0.5, Double.NaN}) {
      var e = assertThrows(IllegalArgumentException.class, () -> MeanInterval.of(List.of(1.0, 2.0), level));
      assertTrue(e.getMessage().contains("confidence level"), e.getMessage());
    }
    // a 50% interval is narrower: t(0.75, 1) = 1, so mean ± 1 · s/√2 = 1.5 ± 0.5
    MeanInterval half50 = MeanInterval.of(List.of(1.0, 2.0), 0.5);
    assertEquals(1.0, half50.low(), 1e-9);
    assertEquals(2.0, half50.high(), 1e-9);
  }
}
