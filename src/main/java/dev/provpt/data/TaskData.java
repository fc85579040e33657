package dev.provpt.data;

import dev.provpt.config.ExperimentSettings.DataSettings;
import dev.provpt.model.VitConfig;

/** Loads the downstream task an experiment names and checks that it fits the backbone. */
public final class TaskData {
  private TaskData() {}

  public static Split load(DataSettings data, long splitSeed, VitConfig model) {
    ImageSet pool;
    ImageSet test;
    switch (data.kind()) {
      case "shapes" -> {
        pool = Shapes.generate(data.shapesSeed(), data.shapesPoolPerClass(), Shapes.NAME);
        test = Shapes.generate(data.shapesSeed() + 1, data.shapesTestPerClass(), Shapes.NAME + "/test");
      }
      case "idx" -> {
        var names = java.util.stream.IntStream.range(0, data.idxClasses()).mapToObj(Integer::toString).toList();
        pool = IdxFiles.read(data.idxTrainImages(), data.idxTrainLabels(), data.idxClasses(), names,
            data.idxTrainImages().getFileName().toString());
        test = IdxFiles.read(data.idxTestImages(), data.idxTestLabels(), data.idxClasses(), names,
            data.idxTestImages().getFileName().toString());
      }
      case "vtab" -> {
        // the VTAB-1k lists are the split: no stratified draw
        int size = model.imageSize();
        ImageSet train = ImageFolders.vtab(data.vtabRoot(), data.trainOnTrainVal() ? "train800val200.txt" : "train800.txt",
            data.vtabClasses(), size, model.channels());
        ImageSet val = ImageFolders.vtab(data.vtabRoot(), "val200.txt", data.vtabClasses(), size, model.channels());
        ImageSet testSet = ImageFolders.vtab(data.vtabRoot(), "test.txt", data.vtabClasses(), size, model.channels());
        return new Split(train, val, testSet);
      }
      case "folder" -> {
        pool = ImageFolders.folder(data.folderTrain(), model.imageSize(), model.channels());
        test = ImageFolders.folder(data.folderTest(), model.imageSize(), model.channels());
        pool.requireCompatible(test);
      }
      default -> throw new DataException("unknown data kind " + data.kind());
    }
    checkFits(pool, model);
    checkFits(test, model);
    Split split = Splits.stratified(pool, data.trainSize(), data.valSize(), test, splitSeed);
    if (data.trainOnTrainVal()) {
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
