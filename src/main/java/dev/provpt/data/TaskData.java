package dev.provpt.data;

import dev.provpt.data.suite.SuiteTasks;
import dev.provpt.model.VitConfig;

/** Loads the downstream task an experiment names and checks that it fits the backbone. */
public final class TaskData {
  private TaskData() {}

  public static Split load(TaskSpec task, long splitSeed, VitConfig model) {
    ImageSet pool;
    ImageSet test;
    // instanceof patterns: a switch over the sealed type's records is only a preview feature in Java 17
    TaskSource source = task.source();
    if (source instanceof TaskSource.Shapes s) {
      pool = Shapes.generate(s.seed(), s.poolPerClass(), Shapes.NAME);
      test = Shapes.generate(s.seed() + 1, s.testPerClass(), Shapes.NAME + "/test");
    } else if (source instanceof TaskSource.Idx idx) {
      var names = java.util.stream.IntStream.range(0, idx.classes()).mapToObj(Integer::toString).toList();
      pool = IdxFiles.read(idx.trainImages(), idx.trainLabels(), idx.classes(), names,
          idx.trainImages().getFileName().toString());
      test = IdxFiles.read(idx.testImages(), idx.testLabels(), idx.classes(), names,
          idx.testImages().getFileName().toString());
    } else if (source instanceof TaskSource.Vtab vtab) {
      // the VTAB-1k lists are the split: no stratified draw
      int size = model.imageSize();
      ImageSet train = ImageFolders.vtab(vtab.root(), task.trainOnTrainVal() ? "train800val200.txt" : "train800.txt",
          vtab.classes(), size, model.channels());
      ImageSet val = ImageFolders.vtab(vtab.root(), "val200.txt", vtab.classes(), size, model.channels());
      ImageSet testSet = ImageFolders.vtab(vtab.root(), "test.txt", vtab.classes(), size, model.channels());
      return new Split(train, val, testSet);
    } else if (source instanceof TaskSource.Tfds tfds) {
      // the four split specs are the split, as with VTAB's list files
      int size = model.imageSize();
      ImageSet train = TfdsImages.load(tfds, task.trainOnTrainVal() ? tfds.trainVal() : tfds.train(), size,
          model.channels());
      ImageSet val = TfdsImages.load(tfds, tfds.val(), size, model.channels());
      ImageSet testSet = TfdsImages.load(tfds, tfds.test(), size, model.channels());
      return new Split(train, val, testSet);
    } else if (source instanceof TaskSource.Suite suite) {
      // the suite's own VTAB-1k split: train800 (or train800val200), val200, test
      var splits = SuiteTasks.named(suite.task()).generate(suite.seed(), model.imageSize(), model.channels());
      return new Split(task.trainOnTrainVal() ? splits.train800val200() : splits.train800(), splits.val200(),
          splits.test());
    } else if (source instanceof TaskSource.Folder folder) {
      return folders(folder, task, splitSeed, model);
    } else {
      throw new IllegalStateException("no loader for task source " + source);
    }
    checkFits(pool, model);
    checkFits(test, model);
    return trainOnTrainVal(Splits.stratified(pool, task.trainSize(), task.valSize(), test, splitSeed), pool, task);
  }

  /** Image folders: a test folder or a held-out part of train, then train and val by sizes or by fraction. */
  private static Split folders(TaskSource.Folder folder, TaskSpec task, long splitSeed, VitConfig model) {
    ImageSet pool = ImageFolders.folder(folder.train(), model.imageSize(), model.channels());
    ImageSet test;
    if (folder.test() != null) {
      test = ImageFolders.folder(folder.test(), model.imageSize(), model.channels());
      pool.requireCompatible(test);
    } else {
      Splits.Indices held = Splits.perClassFraction(pool, folder.testFraction(), folder.testSeed());
      test = pool.subset(held.val(), pool.name() + "/test");
      pool = pool.subset(held.train(), pool.name());
    }
    if (folder.valFraction() == 0) {
      if (pool.size() < (long) task.trainSize() + task.valSize()) {
        throw new DataException(folder.train() + ": " + pool.size() + " images for train and val, expected at least "
            + (task.trainSize() + task.valSize()) + " (provpt.data.train-size + val-size); set "
            + "provpt.data.folder.val-fraction (e.g. 0.1) to train on all of them");
      }
      return trainOnTrainVal(Splits.stratified(pool, task.trainSize(), task.valSize(), test, splitSeed), pool, task);
    }
    Splits.Indices drawn = Splits.perClassFraction(pool, folder.valFraction(), splitSeed);
    Split split = new Split(pool.subset(drawn.train(), pool.name() + "/train"),
        pool.subset(drawn.val(), pool.name() + "/val"), test);
    return trainOnTrainVal(split, pool, task);
  }

  private static Split trainOnTrainVal(Split split, ImageSet pool, TaskSpec task) {
    return task.trainOnTrainVal()
        ? new Split(split.train().concat(split.val(), pool.name() + "/train+val"), split.val(), split.test()) : split;
  }

  /** Images must have the model's input shape: provpt does not silently resize. */
  public static void checkFits(ImageSet set, VitConfig model) {
    if (set.height() != model.imageSize() || set.width() != model.imageSize() || set.channels() != model.channels()) {
      throw new DataException(set.name() + ": images are " + set.height() + "x" + set.width() + "x" + set.channels()
          + ", but the backbone expects " + model.imageSize() + "x" + model.imageSize() + "x" + model.channels());
    }
  }
}
