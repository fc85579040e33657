package dev.provpt.data;

import java.nio.file.Path;

/** Where a task's images come from: one record per provpt.data.kind, holding only that kind's settings. */
public sealed interface TaskSource {

  /** The values of provpt.data.kind, one per record below. */
  enum Kind {
    SHAPES("shapes"), IDX("idx"), VTAB("vtab"), FOLDER("folder"), SUITE("suite"), TFDS("tfds");

    /** The name in provpt.data.kind. */
    public final String key;

    Kind(String key) {
      this.key = key;
    }
  }

  /** The generated shapes10 task; {@code seed} fixes its images, independently of the experiment's seed. */
  record Shapes(long seed, int poolPerClass, int testPerClass) implements TaskSource {}

  /** IDX files in the MNIST layout; the classes are named by their labels 0 .. classes - 1. */
  record Idx(Path trainImages, Path trainLabels, Path testImages, Path testLabels, int classes) implements TaskSource {}

  /** A VTAB-1k task folder: its list files are the split. */
  record Vtab(Path root, int classes) implements TaskSource {}

  /**
   * Image folders root/class_name/*.png|jpg. Train and val are drawn from {@code train}; with no {@code test}
   * folder (null), {@code testFraction} of each class of {@code train} is held out as the test set, drawn
   * from {@code testSeed} (not the run's seed: every run of the task is tested on the same images). With
   * {@code valFraction} > 0, val is that fraction of each class of the rest and train all the others,
   * instead of the data section's train-size and val-size.
   */
  record Folder(Path train, Path test, double testFraction, long testSeed, double valFraction) implements TaskSource {}

  /**
   * A task of the mini-VTAB-1k suite (docs/SUITE.md), generated at the backbone's input size from
   * {@code seed}; its VTAB-1k split is part of the task.
   */
  record Suite(String task, long seed) implements TaskSource {}

  /**
   * A task as TensorFlow Datasets prepares it: TFRecord shards of {@code tf.train.Example}s
   * ({@code <name>-<split>.tfrecord-NNNNN-of-MMMMM} in {@code dir}) with the encoded image under
   * {@code imageKey} and an int64 label in [0, classes) under {@code labelKey}; the four VTAB-1k splits are
   * TFDS split specs ({@link TfdsSplit}). {@code name} may be blank when {@code dir} holds one data set.
   */
  record Tfds(Path dir, String name, String imageKey, String labelKey, int classes, String train, String val,
      String trainVal, String test) implements TaskSource {}
}
