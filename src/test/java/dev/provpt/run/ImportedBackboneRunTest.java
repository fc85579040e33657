package dev.provpt.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.convert.VitImporter;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Shapes;
import dev.provpt.model.Backbone;
import dev.provpt.rundir.RunDirectory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PRO-VPT end to end on a backbone imported from the committed original-release checkpoint,
 * with a VTAB-1k task folder of colour JPEG and PNG images generated here.
 */
class ImportedBackboneRunTest {
  @TempDir
  Path tmp;

  /** shapes10 drawn in a random colour on a random background, 40x40 (the model reads 32x32). */
  static Path colourVtabTask(Path task) throws Exception {
    ImageSet shapes = Shapes.generate(7, 8, "shapes10");
    Files.createDirectories(task.resolve("images"));
    SplittableRandom random = new SplittableRandom(3);
    List<String> lines = new ArrayList<>();
    float[] mask = new float[28 * 28];
    for (int i = 0; i < shapes.size(); i++) {
      shapes.copyImage(i, mask, 0);
      int fg = random.nextInt(0x1000000);
      int bg = random.nextInt(0x1000000);
      BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 40; y++) {
        for (int x = 0; x < 40; x++) {
          float m = mask[(y * 28 / 40) * 28 + x * 28 / 40];
          image.setRGB(x, y, m > 0.5f ? fg : bg);
        }
      }
      String name = String.format("images/%03d.%s", i, i % 2 == 0 ? "jpg" : "png");
      ImageIO.write(image, i % 2 == 0 ? "jpeg" : "png", task.resolve(name).toFile());
      lines.add(name + " " + shapes.labels()[i]);
    }
    return dev.provpt.TestTasks.writeVtabLists(task, lines, 48, 16);
  }

  @Test
  void aVtabTaskTrainsWithProVptOnAnImportedCheckpoint() throws Exception {
    var imported = VitImporter.importFile(Path.of("src/test/resources/vit-import/jax-tiny.npz"),
        VitImporter.Options.defaults());
    Path backbone = tmp.resolve("jax-tiny");
    Backbone.export(backbone, imported.config(), imported.weights());
    Path task = colourVtabTask(tmp.resolve("colour-vtab"));

    int epochs = 5;
    var config = ConfigLoader.load(null, List.of("backbone=\"" + backbone + "\"", "data.kind=vtab",
        "data.vtab.root=\"" + task + "\"", "method=pro-vpt", "pro-vpt.prune=random", "pro-vpt.warmup-epochs=1",
        "train.epochs=" + epochs, "train.batch-size=16", "prompts.per-block=2", "ppo.k-epochs=5",
        "data.augmentation=fgvc"));
    var settings = ExperimentSettings.from(config);
    RunDirectory dir = RunDirectory.at(tmp.resolve("run"));
    var outcome = RunService.run(RunService.prepare(settings), dir, false, line -> { }, settings.source());
    assertTrue(outcome.succeeded(), outcome.error());
    assertEquals(48, outcome.summary().get("train_size"));
    assertEquals(16, outcome.summary().get("test_size"));
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve(RunDirectory.METRICS))) {
      lines.add(new ObjectMapper().readTree(line));
    }
    // random pruning always frees a prompt, so every epoch after warm-up relocates one
    assertEquals(epochs - 1, ProVptRunTest.checkInvariants(lines, epochs, 1, new int[] {2, 2}));
  }
}
