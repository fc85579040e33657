package dev.provpt.data.suite;

import dev.provpt.data.DataException;

/**
 * One task of the mini-VTAB-1k suite: its metadata and a deterministic generator of its splits.
 * Instances touch no file until {@link #generate} is called, so the registry lists every task even
 * where a task's Debian package is missing.
 */
public abstract class SuiteTask {

  private final TaskInfo info;

  SuiteTask(TaskInfo info) {
    this.info = info;
  }

  public final TaskInfo info() {
    return info;
  }

  public final String name() {
    return info.name();
  }

  /**
   * The four VTAB-1k splits as {@code size} × {@code size} images with {@code channels} channels
   * (1: grey; 3: RGB, grey sources copied to each channel); the same seed gives the same bytes.
   *
   * @throws DataException when the task's source is missing (the message names the Debian package)
   */
  public final SuiteSplits generate(long seed, int size, int channels) {
    if (size < 8) {
      throw new IllegalArgumentException(name() + ": image size must be at least 8, got " + size);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(name() + ": channels must be 1 or 3, got " + channels);
    }
    return SuiteSplits.assemble(info, source(seed, size, channels), seed, channels);
  }

  /** {@link #generate(long, int, int)} with the suite's fixed seed {@link SuiteTasks#SEED}. */
  public final SuiteSplits generate(int size, int channels) {
    return generate(SuiteTasks.SEED, size, channels);
  }

  /** The Debian packages this task's source needs that are not installed (none for a generated task). */
  public java.util.List<String> missingPackages() {
    return java.util.List.of();
  }

  /** All images of the task at {@code size}, grey or with {@code channels} channels, in source order. */
  abstract Source source(long seed, int size, int channels);

  @Override
  public String toString() {
    return "SuiteTask[" + name() + ", " + info.group() + ", " + info.numClasses() + " classes]";
  }
}
