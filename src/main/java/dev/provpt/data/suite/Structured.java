package dev.provpt.data.suite;

import dev.provpt.data.ImageSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Base of the structured tasks: scenes drawn from a seed on a {@link Canvas} whose label is a
 * structural property, never the object's kind (disc, square or triangle at random) or colour.
 * Generates 1,000 train/val images (train800 + val200 use them all) and then 2,000 test images, each
 * set class-balanced (counts differ by at most one) and shuffled; image i is source index i.
 */
abstract class Structured extends SuiteTask {

  static final int POOL = 1_000;
  static final int TEST = 2_000;

  Structured(String name, List<String> classNames, String generation) {
    super(new TaskInfo(name, TaskInfo.Group.STRUCTURED, classNames, "generated from the seed (no external data)",
        "the project's own (generated here)", generation + "; objects are discs, squares or triangles at random, "
            + "in a random bright colour (grey intensity 0.55-1 for one channel), on a dim backdrop"));
  }

  /** Draws one scene of class {@code label} onto {@code canvas}. */
  abstract void draw(int label, SplittableRandom random, Canvas canvas);

  @Override
  final Source source(long seed, int size, int channels) {
    SplittableRandom random = new SplittableRandom(seed);
    int classes = info().numClasses();
    int[] labels = new int[POOL + TEST];
    int[] pool = balanced(POOL, classes, random);
    int[] test = balanced(TEST, classes, random);
    System.arraycopy(pool, 0, labels, 0, POOL);
    System.arraycopy(test, 0, labels, POOL, TEST);
    byte[][] images = new byte[labels.length][];
    for (int i = 0; i < images.length; i++) {
      Canvas canvas = new Canvas(size, channels, random);
      draw(labels[i], random, canvas);
      images[i] = canvas.toBytes();
    }
    return new Source(ImageSet.ofBytes(name(), size, size, channels, images, labels, classes, info().classNames()),
        Source.range(0, POOL), Source.range(POOL, POOL + TEST));
  }

  /** {@code count} labels i % classes, shuffled. */
  private static int[] balanced(int count, int classes, SplittableRandom random) {
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % classes;
    }
    Source.shuffle(labels, random);
    return labels;
  }

  /** Bin {@code label} of {@code bins} equal bins over [low, high), sampled uniformly within it. */
  static double inBin(int label, int bins, double low, double high, SplittableRandom random) {
    return low + (label + random.nextDouble()) * (high - low) / bins;
  }

  static List<String> numbered(String prefix, int count) {
    return java.util.stream.IntStream.rangeClosed(1, count).mapToObj(i -> prefix + i).toList();
  }
}
