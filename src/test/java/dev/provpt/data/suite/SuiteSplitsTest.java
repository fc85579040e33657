package dev.provpt.data.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.data.ImageSet;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The VTAB-1k protocol, checked on every task of the registry at 28 × 28 × 1. */
class SuiteSplitsTest {

  static java.util.List<String> tasks() {
    return SuiteTasks.names();
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void splitsHaveTheVtab1kSizesAndTheTasksShape(String task) {
    SuiteSplits splits = SuiteFixtures.splits(task);
    assertEquals(800, splits.train800().size());
    assertEquals(200, splits.val200().size());
    assertEquals(1000, splits.train800val200().size());
    if (task.startsWith("digits")) {
      assertEquals(797, splits.test().size(), "the digits source has 1,797 images: all but train/val are test");
    } else {
      assertTrue(splits.test().size() >= 1000, task + " test has " + splits.test().size());
    }
    for (ImageSet set : new ImageSet[] {splits.train800(), splits.val200(), splits.train800val200(), splits.test()}) {
      assertEquals(28, set.height());
      assertEquals(28, set.width());
      assertEquals(1, set.channels());
      assertEquals(splits.info().classNames(), set.classNames());
      assertTrue(set.name().startsWith(task + "/"), set.name());
    }
    assertEquals(splits.train800().size(), splits.sources().train800().length);
    assertEquals(splits.val200().size(), splits.sources().val200().length);
    assertEquals(splits.test().size(), splits.sources().test().length);
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void train800val200IsTrain800FollowedByVal200(String task) {
    SuiteSplits splits = SuiteFixtures.splits(task);
    for (int i = 0; i < 1000; i++) {
      ImageSet from = i < 800 ? splits.train800() : splits.val200();
      int j = i < 800 ? i : i - 800;
      assertArrayEquals(from.bytePixels()[j], splits.train800val200().bytePixels()[i]);
      assertEquals(from.labels()[j], splits.train800val200().labels()[i]);
    }
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void noSourceImageIsInTwoSplits(String task) {
    SuiteSplits splits = SuiteFixtures.splits(task);
    Set<Integer> seen = new HashSet<>();
    for (int[] sources : new int[][] {splits.sources().train800(), splits.sources().val200(), splits.sources().test()}) {
      for (int source : sources) {
        assertTrue(seen.add(source), task + ": source image " + source + " is used twice");
      }
    }
    // and no two images are byte-identical either (no source image occurs twice under another index)
    Set<ByteBuffer> pixels = new HashSet<>();
    for (ImageSet set : new ImageSet[] {splits.train800(), splits.val200(), splits.test()}) {
      for (byte[] image : set.bytePixels()) {
        assertTrue(pixels.add(ByteBuffer.wrap(image)), task + ": an image of " + set.name() + " repeats");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void splitsAreClassBalancedAsFarAsTheSourceAllows(String task) {
    SuiteSplits splits = SuiteFixtures.splits(task);
    assertBalanced(splits.train800());
    assertBalanced(splits.val200());
    if (task.startsWith("digits")) {
      // the source's own counts less 100 each (80 train + 20 val): 178, 182, 177, 183, 181, 182, 181, 179, 174, 180
      assertArrayEquals(new int[] {78, 82, 77, 83, 81, 82, 81, 79, 74, 80}, splits.test().classCounts());
    } else {
      assertBalanced(splits.test());
    }
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void theSameSeedGivesTheSameBytesAndAnotherSeedOthers(String task) {
    SuiteSplits first = SuiteFixtures.splits(task);
    SuiteSplits again = SuiteTasks.named(task).generate(SuiteTasks.SEED, 28, 1);
    assertSame(first, again);
    SuiteSplits other = SuiteTasks.named(task).generate(SuiteTasks.SEED + 1, 28, 1);
    assertFalse(Arrays.equals(first.sources().train800(), other.sources().train800())
        && Arrays.deepEquals(first.train800().bytePixels(), other.train800().bytePixels()), task);
    if (first.info().group() == TaskInfo.Group.STRUCTURED) {
      assertFalse(Arrays.equals(first.test().bytePixels()[0], other.test().bytePixels()[0]),
          task + ": another seed should draw other scenes");
    }
  }

  private static void assertSame(SuiteSplits expected, SuiteSplits actual) {
    for (int s = 0; s < 4; s++) {
      ImageSet a = split(expected, s);
      ImageSet b = split(actual, s);
      assertTrue(Arrays.deepEquals(a.bytePixels(), b.bytePixels()), a.name() + " differs between two generations");
      assertArrayEquals(a.labels(), b.labels(), a.name());
    }
    assertArrayEquals(expected.sources().train800(), actual.sources().train800());
    assertArrayEquals(expected.sources().val200(), actual.sources().val200());
    assertArrayEquals(expected.sources().test(), actual.sources().test());
  }

  private static ImageSet split(SuiteSplits splits, int which) {
    return switch (which) {
      case 0 -> splits.train800();
      case 1 -> splits.val200();
      case 2 -> splits.train800val200();
      default -> splits.test();
    };
  }

  private static void assertBalanced(ImageSet set) {
    int[] counts = set.classCounts();
    int min = IntStream.of(counts).min().orElseThrow();
    int max = IntStream.of(counts).max().orElseThrow();
    assertTrue(max - min <= 1, set.name() + " class counts " + Arrays.toString(counts));
  }
}
