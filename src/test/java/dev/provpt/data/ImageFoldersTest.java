package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.TestBackbones;
import dev.provpt.run.RunService;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** VTAB-1k and image-folder layouts, generated here from shapes10 images written as PNG files. */
class ImageFoldersTest {
  @TempDir
  Path tmp;

  /** A VTAB-1k task folder: images/NNN.png and the four list files (small sizes). */
  static Path vtabFixture(Path task) throws Exception {
    ImageSet shapes = Shapes.generate(5, 10, "shapes10");
    Files.createDirectories(task.resolve("images"));
    List<String> lines = new ArrayList<>();
    float[] image = new float[28 * 28];
    for (int i = 0; i < shapes.size(); i++) {
      shapes.copyImage(i, image, 0);
      ImageFiles.writeGreyPng(task.resolve("images").resolve(String.format("%03d.png", i)), image, 28);
      lines.add(String.format("images/%03d.png %d", i, shapes.labels()[i]));
    }
    return dev.provpt.TestTasks.writeVtabLists(task, lines, 50, 25);
  }

  @Test
  void aVtabTaskTrainsEndToEndWithProVpt() throws Exception {
    Path task = vtabFixture(tmp.resolve("shapes-vtab"));
    Path backbone = TestBackbones.exportRandom(tmp.resolve("backbone"));
    for (boolean trainVal : List.of(false, true)) {
      var config = ConfigLoader.load(null, List.of("backbone=\"" + backbone + "\"", "data.kind=vtab",
          "data.vtab.root=\"" + task + "\"", "data.train-on-train-val=" + trainVal, "method=pro-vpt",
          "train.epochs=3", "train.batch-size=16", "prompts.per-block=2", "ppo.k-epochs=5"));
      var settings = ExperimentSettings.from(config);
      var outcome = RunService.run(RunService.prepare(settings), RunDirectory.at(tmp.resolve("run-" + trainVal)),
          false, l -> { }, config);
      assertTrue(outcome.succeeded(), outcome.error());
      assertEquals(trainVal ? 75 : 50, outcome.summary().get("train_size"));
      assertEquals(25, outcome.summary().get("val_size"));
      assertEquals(25, outcome.summary().get("test_size"));
    }
  }

  @Test
  void badListLinesAndUnreadableImagesNameTheFileAndLine() throws Exception {
    Path task = vtabFixture(tmp.resolve("broken"));
    Files.writeString(task.resolve("val200.txt"), "images/000.png 3\nimages/001.png three\n");
    var label = assertThrows(DataException.class, () -> ImageFolders.vtab(task, "val200.txt", 10, 28, 1));
    assertTrue(label.getMessage().contains("val200.txt line 2") && label.getMessage().contains("three"),
        label.getMessage());
    Files.writeString(task.resolve("images/002.png"), "not a png");
    Files.writeString(task.resolve("test.txt"), "images/000.png 1\nimages/002.png 2\n");
    var image = assertThrows(DataException.class, () -> ImageFolders.vtab(task, "test.txt", 10, 28, 1));
    assertTrue(image.getMessage().contains("test.txt line 2") && image.getMessage().contains("002.png"),
        image.getMessage());
    Files.writeString(task.resolve("test.txt"), "images/000.png 12\n");
    var range = assertThrows(DataException.class, () -> ImageFolders.vtab(task, "test.txt", 10, 28, 1));
    assertTrue(range.getMessage().contains("label 12 outside [0, 10)"), range.getMessage());
  }

  @Test
  void anImageFolderTreeGivesOneClassPerFolderInNameOrder() throws Exception {
    Path root = tmp.resolve("folder");
    float[] image = new float[28 * 28];
    for (String cls : List.of("zebra", "apple")) {
      Files.createDirectories(root.resolve(cls));
      for (int i = 0; i < 3; i++) {
        image[i] = cls.equals("apple") ? 1f : 0f;
        ImageFiles.writeGreyPng(root.resolve(cls).resolve(i + ".png"), image, 28);
      }
    }
    ImageSet set = ImageFolders.folder(root, 28, 1);
    assertEquals(List.of("apple", "zebra"), set.classNames());
    assertEquals(6, set.size());
    assertEquals(0, set.labels()[0]);
    assertEquals(1, set.labels()[5]);
    // resized and converted on the way in: a 28x28 grey PNG read as 32x32 RGB
    assertEquals(32 * 32 * 3, ImageFiles.read(root.resolve("apple/0.png"), 32, 3).length);
  }
}
