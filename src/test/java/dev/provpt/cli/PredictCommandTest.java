package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.data.DataException;
import dev.provpt.data.ImageFiles;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.data.Shapes;
import dev.provpt.method.PromptMode;
import dev.provpt.model.Gelu;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.TunedModelExport;
import dev.provpt.model.VitConfig;
import dev.provpt.model.VitWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported model, run by provpt predict from image files, computes the in-process logits. */
class PredictCommandTest {
  static final VitConfig SMALL = new VitConfig(28, 1, 7, 16, 3, 2, 32, Gelu.EXACT, 1e-6, "fashion-mnist", 0);

  @TempDir
  Path tmp;

  @Test
  void exportedModelMatchesTheInProcessModel() throws Exception {
    VitWeights weights = VitWeights.random(SMALL, 5);
    ImageSet shapes = Shapes.generate(9, 1, "shapes10");
    int n = 4;
    int pixels = 28 * 28;
    List<Path> files = new ArrayList<>();
    float[] batch = new float[n * pixels];
    for (int i = 0; i < n; i++) {
      float[] image = new float[pixels];
      shapes.copyImage(i, image, 0);
      Path png = tmp.resolve("image-" + i + ".png");
      ImageFiles.writeGreyPng(png, image, 28);
      files.add(png);
      // the in-process side sees the same 8-bit pixels the PNG holds
      System.arraycopy(ImageFiles.read(png, 28, 1), 0, batch, i * pixels, pixels);
    }
    Normalization.of("fashion-mnist", 1).apply(batch, 0, batch.length, 1);
    int[] assignment = {0, 0, 1, 2, 2, 2};
    try (PromptedModel model = PromptedModel.create(SMALL, weights, 10, 6, PromptMode.DEEP,
        new PromptedModel.Hyper(0.1f, 0.9f, 0f, 1f, 0.1f), 3)) {
      for (int step = 0; step < 3; step++) {
        model.train(batch, new int[] {0, 1, 2, 3}, n, assignment, step);
      }
      float[] expected = model.logits(batch, n, assignment);
      Path export = tmp.resolve("export");
      TunedModelExport.export(export, SMALL, weights, model, assignment);
      var predictions = PredictCommand.predict(export, files);
      assertEquals(n, predictions.size());
      for (int i = 0; i < n; i++) {
        float[] logits = (float[]) predictions.get(i).get("logits");
        assertArrayEquals(Arrays.copyOfRange(expected, i * 10, (i + 1) * 10), logits, 1e-5f, "image " + i);
      }
    }
  }

  @Test
  void anUnreadableImageIsNamed() throws Exception {
    Path bogus = tmp.resolve("not-an-image.png");
    Files.writeString(bogus, "hello");
    var e = assertThrows(DataException.class, () -> ImageFiles.read(bogus, 28, 1));
    assertTrue(e.getMessage().contains("not-an-image.png"), e.getMessage());
  }
}
