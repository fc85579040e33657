package dev.provpt.data.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The shared pixel helpers, and golden checksums of the pure-arithmetic generators. */
class SuiteRasterTest {

  @Test
  void shrinkingAveragesAreasAndEnlargingInterpolatesBetweenCentres() {
    float[] twoByTwo = {0, 1, 1, 0};
    assertArrayEquals(new float[] {0.5f}, Raster.resize(twoByTwo, 2, 1), 1e-6f);
    float[] ramp = {0, 1, 0, 1}; // columns 0 and 1
    // 2 -> 4: centres of the new pixels sit at -0.25, 0.25, 0.75, 1.25 source pixels: clamped, then linear
    assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, java.util.Arrays.copyOf(Raster.resize(ramp, 2, 4), 4), 1e-6f);
    // a non-integer ratio keeps a constant image constant
    float[] grey = new float[7 * 7];
    java.util.Arrays.fill(grey, 0.4f);
    for (float v : Raster.resize(grey, 7, 3)) {
      assertEquals(0.4f, v, 1e-6f);
    }
    for (float v : Raster.resize(grey, 7, 10)) {
      assertEquals(0.4f, v, 1e-6f);
    }
  }

  @Test
  void blurKeepsAConstantAndSpreadsADot() {
    float[] dot = new float[9 * 9];
    dot[4 * 9 + 4] = 1;
    float[] blurred = Raster.gaussianBlur(dot, 9, 1);
    double sum = 0;
    for (float v : blurred) {
      sum += v;
    }
    assertEquals(1, sum, 1e-5);
    assertEquals(blurred[4 * 9 + 3], blurred[4 * 9 + 5], 1e-7f);
    assertEquals(blurred[3 * 9 + 4], blurred[4 * 9 + 3], 1e-7f);
  }

  @Test
  void gaussianDrawsHaveUnitVariance() {
    SplittableRandom random = new SplittableRandom(3);
    double sum = 0;
    double squares = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      double g = Raster.gaussian(random);
      sum += g;
      squares += g * g;
    }
    assertEquals(0, sum / n, 0.02);
    assertEquals(1, squares / n, 0.02);
  }

  @Test
  void generatedScenesMatchTheRecordedChecksums() {
    // Canvas and the structured tasks are pure arithmetic: bit-identical on any JVM. Change these only when
    // the drawing is meant to change (then the suite's published images change too).
    assertEquals(GOLDEN_COUNT, checksum(SuiteTasks.named("count").generate(7, 16, 1)));
    assertEquals(GOLDEN_ORIENTATION, checksum(SuiteTasks.named("orientation").generate(7, 16, 3)));
  }

  private static final long GOLDEN_COUNT = 548204225147175461L;
  private static final long GOLDEN_ORIENTATION = 9144007350397292038L;

  private static long checksum(SuiteSplits splits) {
    long checksum = 17;
    for (byte[] image : splits.train800val200().bytePixels()) {
      for (byte b : image) {
        checksum = checksum * 31 + b;
      }
    }
    for (int label : splits.test().labels()) {
      checksum = checksum * 31 + label;
    }
    return checksum;
  }
}
