package dev.provpt.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The structured labels are what the pictures show: measured back from the pixels (bright blobs,
 * their intensity-weighted centroids and second moments) at 48 × 48, each test image's measurement
 * falls in its label's bin, widened by a small tolerance for antialiased edges.
 */
class SuiteStructureTest {

  private static final int SIZE = 48;
  /** Backdrops stay at or below 0.15 (38), objects at or above 0.55 (140). */
  private static final int OBJECT = 90;

  /** One bright connected blob: pixel count and intensity-weighted moments. */
  private record Blob(double x, double y, double xx, double yy, double xy) {
  }

  @Test
  void countIsTheNumberOfSeparateObjects() {
    ImageSet test = SuiteTasks.named("count").generate(SuiteTasks.SEED, SIZE, 1).test();
    for (int i = 0; i < test.size(); i++) {
      assertEquals(test.labels()[i] + 1, blobs(test.bytePixels()[i]).size(), "test image " + i);
    }
  }

  @Test
  void locationIsTheObjectsXBin() {
    ImageSet test = SuiteTasks.named("location-x").generate(SuiteTasks.SEED, SIZE, 1).test();
    double bin = 0.6 * SIZE / Location.BINS;
    for (int i = 0; i < test.size(); i++) {
      List<Blob> blobs = blobs(test.bytePixels()[i]);
      assertEquals(1, blobs.size(), "test image " + i);
      double low = 0.2 * SIZE + test.labels()[i] * bin; // pixel centres sit at +0.5
      assertWithin(blobs.get(0).x() + 0.5, low, low + bin, 0.5, "x of test image " + i);
    }
  }

  @Test
  void distanceIsTheBinOfTheGapBetweenTheTwoCentres() {
    ImageSet test = SuiteTasks.named("distance").generate(SuiteTasks.SEED, SIZE, 1).test();
    double bin = 0.5 * SIZE / Distance.BINS;
    for (int i = 0; i < test.size(); i++) {
      List<Blob> blobs = blobs(test.bytePixels()[i]);
      assertEquals(2, blobs.size(), "test image " + i);
      double measured = Math.hypot(blobs.get(0).x() - blobs.get(1).x(), blobs.get(0).y() - blobs.get(1).y());
      double low = 0.25 * SIZE + test.labels()[i] * bin;
      assertWithin(measured, low, low + bin, 0.8, "distance in test image " + i);
    }
  }

  @Test
  void orientationIsTheBinOfTheObjectsAxis() {
    ImageSet test = SuiteTasks.named("orientation").generate(SuiteTasks.SEED, SIZE, 1).test();
    double bin = 180.0 / Orientation.BINS;
    for (int i = 0; i < test.size(); i++) {
      List<Blob> blobs = blobs(test.bytePixels()[i]);
      assertEquals(1, blobs.size(), "test image " + i);
      Blob b = blobs.get(0);
      // principal axis of the second moments; y points down, so negate it for an anticlockwise angle
      double degrees = Math.toDegrees(0.5 * Math.atan2(-2 * b.xy(), b.xx() - b.yy()));
      degrees = (degrees + 180) % 180;
      double low = test.labels()[i] * bin;
      double off = Math.min(distanceOutside(degrees, low, low + bin),
          distanceOutside(degrees + (degrees < 90 ? 180 : -180), low, low + bin));
      assertTrue(off <= 4, "axis " + degrees + " of test image " + i + " is outside " + low + "-" + (low + bin));
    }
  }

  private static void assertWithin(double value, double low, double high, double tolerance, String what) {
    assertTrue(distanceOutside(value, low, high) <= tolerance, what + ": " + value + " not in [" + low + ", " + high + ")");
  }

  private static double distanceOutside(double value, double low, double high) {
    return Math.max(0, Math.max(low - value, value - high));
  }

  /** Connected (8-neighbour) regions brighter than OBJECT, with moments weighted by brightness above the backdrop. */
  private static List<Blob> blobs(byte[] image) {
    int[] region = new int[image.length];
    List<Blob> blobs = new ArrayList<>();
    for (int start = 0; start < image.length; start++) {
      if ((image[start] & 0xff) <= OBJECT || region[start] != 0) {
        continue;
      }
      List<Integer> pixels = new ArrayList<>();
      java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(start));
      region[start] = blobs.size() + 1;
      while (!queue.isEmpty()) {
        int p = queue.poll();
        pixels.add(p);
        int x = p % SIZE;
        int y = p / SIZE;
        for (int[] d : new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1}}) {
          int nx = x + d[0];
          int ny = y + d[1];
          int n = ny * SIZE + nx;
          if (nx >= 0 && ny >= 0 && nx < SIZE && ny < SIZE && region[n] == 0 && (image[n] & 0xff) > OBJECT) {
            region[n] = blobs.size() + 1;
            queue.add(n);
          }
        }
      }
      blobs.add(moments(image, pixels));
    }
    return blobs;
  }

  /** Moments over the blob and its 2-pixel surroundings, so the faint antialiased rim counts too. */
  private static Blob moments(byte[] image, List<Integer> pixels) {
    java.util.Set<Integer> area = new java.util.HashSet<>();
    for (int p : pixels) {
      for (int dy = -2; dy <= 2; dy++) {
        for (int dx = -2; dx <= 2; dx++) {
          int x = p % SIZE + dx;
          int y = p / SIZE + dy;
          if (x >= 0 && y >= 0 && x < SIZE && y < SIZE) {
            area.add(y * SIZE + x);
          }
        }
      }
    }
    double w = 0;
    double sx = 0;
    double sy = 0;
    for (int p : area) {
      double weight = Math.max(0, (image[p] & 0xff) - 40);
      w += weight;
      sx += weight * (p % SIZE);
      sy += weight * (p / SIZE);
    }
    double cx = sx / w;
    double cy = sy / w;
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int p : area) {
      double weight = Math.max(0, (image[p] & 0xff) - 40);
      double dx = p % SIZE - cx;
      double dy = p / SIZE - cy;
      xx += weight * dx * dx;
      yy += weight * dy * dy;
      xy += weight * dx * dy;
    }
    return new Blob(cx, cy, xx / w, yy / w, xy / w);
  }
}
