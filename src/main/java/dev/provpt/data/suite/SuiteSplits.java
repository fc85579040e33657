package dev.provpt.data.suite;

import dev.provpt.data.DataException;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Splits;
import java.util.Arrays;

/**
 * One suite task's VTAB-1k splits: train800 and val200 (disjoint, stratified), train800val200 (train800
 * followed by val200) and the test set (disjoint from both), all 8-bit, plus the task's metadata.
 *
 * @param sources each split's source indices, image by image: the row of digits.csv.gz, font × 10 + letter
 *                for the letter tasks, the generation index for generated tasks. Disjointness is checked on these.
 */
public record SuiteSplits(TaskInfo info, ImageSet train800, ImageSet val200, ImageSet train800val200, ImageSet test,
             Sources sources) {

  /** Source indices of train800, val200 and test, in the order of their images. */
  public record Sources(int[] train800, int[] val200, int[] test) {
  }

  /** Salt for the train/val draw, so it does not replay the generator's random stream of the same seed. */
  private static final long DRAW_SALT = 0x9E3779B97F4A7C15L;

  /** Draws train800 and val200 from the source's pool with {@code seed}, and copies grey images to {@code channels}. */
  static SuiteSplits assemble(TaskInfo info, Source source, long seed, int channels) {
    ImageSet all = source.images();
    int[] pool = source.trainValPool();
    if (pool.length < Splits.ONE_K_TRAIN + Splits.ONE_K_VAL) {
      throw new DataException(info.name() + ": the train/val pool has " + pool.length + " images, expected at least "
          + (Splits.ONE_K_TRAIN + Splits.ONE_K_VAL));
    }
    Splits.Indices drawn = Splits.stratifiedIndices(all.subset(pool, info.name() + "/pool"),
        Splits.ONE_K_TRAIN, Splits.ONE_K_VAL, seed ^ DRAW_SALT);
    int[] train = map(drawn.train(), pool);
    int[] val = map(drawn.val(), pool);
    int[] test = source.testPool() != null ? source.testPool() : rest(all.size(), train, val);
    String name = info.name();
    ImageSet train800 = Raster.expand(all.subset(train, name + "/train800"), channels);
    ImageSet val200 = Raster.expand(all.subset(val, name + "/val200"), channels);
    ImageSet testSet = Raster.expand(all.subset(test, name + "/test"), channels);
    return new SuiteSplits(info, train800, val200, train800.concat(val200, name + "/train800val200"), testSet,
        new Sources(train, val, test));
  }

  private static int[] map(int[] poolPositions, int[] pool) {
    return Arrays.stream(poolPositions).map(p -> pool[p]).toArray();
  }

  /** Indices 0..size-1 in neither {@code train} nor {@code val}, ascending. */
  private static int[] rest(int size, int[] train, int[] val) {
    boolean[] taken = new boolean[size];
    for (int i : train) {
      taken[i] = true;
    }
    for (int i : val) {
      taken[i] = true;
    }
    return java.util.stream.IntStream.range(0, size).filter(i -> !taken[i]).toArray();
  }
}
