package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    Split split = TaskData.load(spec(new TaskSource.Folder(tmp.resolve("train"), tmp.resolve("test")), 4, 2, false),
        1, GREY28);
    assertEquals("train/train4", split.train().name());
    assertEquals(2, split.val().size());
    assertEquals(4, split.test().size());
    assertEquals(List.of("a", "b"), split.train().classNames());
  }

  @Test
  void aVtabSourceTakesItsListsAsTheSplit() throws Exception {
    var vtab = new TaskSource.Vtab(ImageFoldersTest.vtabFixture(tmp.resolve("task")), 10);
    Split split = TaskData.load(spec(vtab, 1, 1, false), 1, GREY28);
    assertEquals(List.of(50, 25, 25), List.of(split.train().size(), split.val().size(), split.test().size()));
    assertEquals(75, TaskData.load(spec(vtab, 1, 1, true), 1, GREY28).train().size());
  }
}
