package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.model.Gelu;
import dev.provpt.model.Gelu;
import dev.provpt.model.VitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskDataTest {
  static final VitConfig GREY28 = new VitConfig(28, 1, 4, 16, 2, 2, 32, Gelu.EXACT, 1e-6, "fashion-mnist", 0);

  @TempDir
  Path tmp;

  static TaskSpec spec(TaskSource source, int trainSize, int valSize, boolean trainOnTrainVal) {
    return new TaskSpec(source, trainSize, valSize, trainOnTrainVal, Augmentation.NONE, new NormalizationChoice.Auto());
  }

  @Test
  void imagesThatDoNotFitTheModelAreRefusedWithBothShapes() {
    VitConfig rgb32 = new VitConfig(32, 3, 4, 16, 2, 2, 32, Gelu.EXACT, 1e-6, "imagenet", 0);
    ImageSet shapes = Shapes.generate(1, 2, "shapes10");
    var e = assertThrows(DataException.class, () -> TaskData.checkFits(shapes, rgb32));
    assertTrue(e.getMessage().contains("shapes10: images are 28x28x1, but the backbone expects 32x32x3"),
        e.getMessage());
  }

  @Test
  void aShapesSourceIsGeneratedFromItsOwnSeedAndDrawnStratified() {
    Split split = TaskData.load(spec(new TaskSource.Shapes(7, 10, 5), 30, 20, false), 1, GREY28);
    assertEquals("shapes10/train30", split.train().name());
    assertEquals(20, split.val().size());
    assertEquals(50, split.test().size());
    Split trainVal = TaskData.load(spec(new TaskSource.Shapes(7, 10, 5), 30, 20, true), 1, GREY28);
    assertEquals("shapes10/train+val", trainVal.train().name());
    assertEquals(50, trainVal.train().size());
  }

  @Test
  void aSuiteSourceUsesTheTasksOwnVtab1kSplit() {
    Split split = TaskData.load(spec(new TaskSource.Suite("location-x", 5), 800, 200, false), 1, GREY28);
    assertEquals(800, split.train().size());
    assertEquals(200, split.val().size());
    assertEquals(2000, split.test().size());
    Split trainVal = TaskData.load(spec(new TaskSource.Suite("location-x", 5), 800, 200, true), 1, GREY28);
    assertEquals(1000, trainVal.train().size());
    var unknown = assertThrows(DataException.class,
        () -> TaskData.load(spec(new TaskSource.Suite("nope", 5), 800, 200, false), 1, GREY28));
    assertTrue(unknown.getMessage().contains("location-x"), unknown.getMessage());
  }

  @Test
  void anIdxSourceReadsItsFilesAndNamesTheClassesByLabel() {
    Path trainImages = tmp.resolve("train-images");
    Path testImages = tmp.resolve("test-images");
    IdxFiles.write(trainImages, tmp.resolve("train-labels"), Shapes.generate(3, 6, "pool"));
    IdxFiles.write(testImages, tmp.resolve("test-labels"), Shapes.generate(4, 2, "test"));
    var idx = new TaskSource.Idx(trainImages, tmp.resolve("train-labels"), testImages, tmp.resolve("test-labels"), 10);
    Split split = TaskData.load(spec(idx, 30, 20, false), 1, GREY28);
    assertEquals("train-images/train30", split.train().name());
    assertEquals(20, split.val().size());
    assertEquals(20, split.test().size());
    assertEquals("7", split.test().classNames().get(7));
  }

  @Test
  void aFolderSourceDrawsTrainAndValFromItsTrainFolder() throws Exception {
    float[] image = new float[28 * 28];
    for (String part : List.of("train", "test")) {
      for (String cls : List.of("b", "a")) {
        Files.createDirectories(tmp.resolve(part).resolve(cls));
        for (int i = 0; i < (part.equals("train") ? 4 : 2); i++) {
          ImageFiles.writeGreyPng(tmp.resolve(part).resolve(cls).resolve(i + ".png"), image, 28);
        }
      }
    }
    Split split = TaskData.load(spec(new TaskSource.Folder(tmp.resolve("train"), tmp.resolve("test"), 0.2, 2026, 0), 4, 2, false),
        1, GREY28);
    assertEquals("train/train4", split.train().name());
    assertEquals(2, split.val().size());
    assertEquals(4, split.test().size());
    assertEquals(List.of("a", "b"), split.train().classNames());
  }

  @Test
  void oneFolderIsSplitIntoTrainValAndTestByClassFromTheSeeds() throws Exception {
    int[] perClass = {10, 6, 5};
    int value = 0;
    for (int c = 0; c < perClass.length; c++) {
      Files.createDirectories(tmp.resolve("all").resolve("class" + c));
      for (int i = 0; i < perClass[c]; i++) {
        float[] image = new float[28 * 28];
        java.util.Arrays.fill(image, ++value / 32f); // every image different, so overlaps would show
        ImageFiles.writeGreyPng(tmp.resolve("all").resolve("class" + c).resolve(i + ".png"), image, 28);
      }
    }
    var folder = new TaskSource.Folder(tmp.resolve("all"), null, 0.2, 7, 0.25);
    Split split = TaskData.load(spec(folder, 1, 1, false), 1, GREY28);
    assertArrayEquals(new int[] {2, 1, 1}, split.test().classCounts()); // round(0.2 n), at least 1
    assertArrayEquals(new int[] {2, 1, 1}, split.val().classCounts()); // round(0.25 of the 8, 5, 4 left)
    assertArrayEquals(new int[] {6, 4, 3}, split.train().classCounts());
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (ImageSet set : List.of(split.train(), split.val(), split.test())) {
      for (byte[] pixels : set.bytePixels()) {
        assertTrue(seen.add(java.util.Arrays.toString(pixels)), "an image is in two of train, val and test");
      }
    }
    assertEquals(21, seen.size());
    // the test set follows test-seed only; train and val follow the run's seed
    Split otherRun = TaskData.load(spec(folder, 1, 1, false), 2, GREY28);
    assertTrue(java.util.Arrays.deepEquals(split.test().bytePixels(), otherRun.test().bytePixels()));
    assertFalse(java.util.Arrays.deepEquals(split.val().bytePixels(), otherRun.val().bytePixels()));
    Split otherTest = TaskData.load(spec(new TaskSource.Folder(tmp.resolve("all"), null, 0.2, 8, 0.25), 1, 1, false),
        1, GREY28);
    assertFalse(java.util.Arrays.deepEquals(split.test().bytePixels(), otherTest.test().bytePixels()));
    // train-size and val-size larger than the folder: refused, naming the way out
    var error = assertThrows(DataException.class, () -> TaskData.load(spec(
        new TaskSource.Folder(tmp.resolve("all"), null, 0.2, 7, 0), 800, 200, false), 1, GREY28));
    assertTrue(error.getMessage().contains("17 images for train and val, expected at least 1000")
        && error.getMessage().contains("provpt.data.folder.val-fraction"), error.getMessage());
  }

  @Test
  void aVtabSourceTakesItsListsAsTheSplit() throws Exception {
    var vtab = new TaskSource.Vtab(ImageFoldersTest.vtabFixture(tmp.resolve("task")), 10);
    Split split = TaskData.load(spec(vtab, 1, 1, false), 1, GREY28);
    assertEquals(List.of(50, 25, 25), List.of(split.train().size(), split.val().size(), split.test().size()));
    assertEquals(75, TaskData.load(spec(vtab, 1, 1, true), 1, GREY28).train().size());
  }
}
