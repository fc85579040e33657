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
      pool = ImageFolders.folder(folder.train(), model.imageSize(), model.channels());
      test = ImageFolders.folder(folder.test(), model.imageSize(), model.channels());
      pool.requireCompatible(test);
    } else {
      throw new IllegalStateException("no loader for task source " + source);
    }
    checkFits(pool, model);
    checkFits(test, model);
    Split split = Splits.stratified(pool, task.trainSize(), task.valSize(), test, splitSeed);
    if (task.trainOnTrainVal()) {
      return new Split(split.train().concat(split.val(), pool.name() + "/train+val"), split.val(), split.test());
    }
    return split;
  }

  /** Images must have the model's input shape: provpt does not silently resize. */
  public static void checkFits(ImageSet set, VitConfig model) {
    if (set.height() != model.imageSize() || set.width() != model.imageSize() || set.channels() != model.channels()) {
      throw new DataException(set.name() + ": images are " + set.height() + "x" + set.width() + "x" + set.channels()
          + ", but the backbone expects " + model.imageSize() + "x" + model.imageSize() + "x" + model.channels());
    }
  }
}
