package dev.provpt.data.suite;

import dev.provpt.data.ImageSet;
import dev.provpt.data.Shuffling;
import java.util.SplittableRandom;

/**
 * All images a task draws its splits from, in source order (the index of an image is its source index),
 * and which of them may go to train800/val200 and which to test.
 *
 * @param trainValPool indices train800 and val200 are drawn from, stratified
 * @param testPool     indices of the test set; null when the test set is whatever of the pool the draw left
 */
record Source(ImageSet images, int[] trainValPool, int[] testPool) {

  /** One pool: train800 and val200 drawn from all images, the rest is the test set. */
  static Source shared(ImageSet images) {
    return new Source(images, range(0, images.size()), null);
  }

  /** A Fisher-Yates shuffle in place: the draw of every seeded order in dev.provpt.data. */
  static void shuffle(int[] values, SplittableRandom random) {
    Shuffling.shuffle(values, random);
  }

  static int[] range(int from, int to) {
    int[] indices = new int[to - from];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = from + i;
    }
    return indices;
  }
}
