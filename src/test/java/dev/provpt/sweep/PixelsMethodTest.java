package dev.provpt.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.data.IdxFiles;
import dev.provpt.data.ImageSet;
import dev.provpt.results.ResultsReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code method = pixels}: logistic regression on the normalised pixels, its learning rate and weight decay chosen
 * by the sweep on val like every method's, and its own row on the results page.
 */
class PixelsMethodTest {
  @TempDir
  Path tmp;

  /** Two classes told apart by which half of a 28×28 image is bright, with noise on top: separable in pixels. */
  private static void writeHalves(Path images, Path labels, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] pixels = new float[count * 28 * 28];
    int[] classes = new int[count];
    for (int i = 0; i < count; i++) {
      classes[i] = random.nextInt(2);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          boolean bright = (y < 14) == (classes[i] == 0);
          pixels[(i * 28 + y) * 28 + x] = (float) ((bright ? 0.6 : 0.2) + 0.3 * random.nextDouble());
        }
      }
    }
    IdxFiles.write(images, labels, new ImageSet("halves", 28, 28, 1, pixels, classes, 2, List.of("top", "bottom")));
  }

  @Test
  void pixelsLearnsASeparableSetWithTheWeightDecayItsSweepChose() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone")); // its image size, normalisation
    writeHalves(tmp.resolve("train-images"), tmp.resolve("train-labels"), 60, 1);
    writeHalves(tmp.resolve("test-images"), tmp.resolve("test-labels"), 40, 2);
    Path experiment = Files.writeString(tmp.resolve("pixels.conf"), String.join("\n", "provpt {",
        "  backbone = \"" + backbone + "\"", "  method = pixels", "  tensorflow-threads = 1",
        "  train { epochs = 4, batch-size = 16 }",
        "  data { kind = idx, train-size = 40, val-size = 20", "    idx { classes = 2",
        "      train-images = \"" + tmp.resolve("train-images") + "\", train-labels = \"" + tmp.resolve("train-labels")
            + "\"",
        "      test-images = \"" + tmp.resolve("test-images") + "\", test-labels = \"" + tmp.resolve("test-labels")
            + "\" } }",
        "  sweep { base-lr = [1.0], weight-decay = [0.01, 0], seeds = [1] }", "}", ""));
    Path out = tmp.resolve("sweep");
    Map<String, Object> report = new Sweep(experiment, List.of()).run(out, line -> { });

    ObjectMapper json = new ObjectMapper();
    @SuppressWarnings("unchecked")
    double chosenDecay = ((Number) ((Map<String, Object>) report.get("chosen")).get("weight_decay")).doubleValue();
    for (String grid : List.of("grid-lr1.0-wd0.01", "grid-lr1.0-wd0.0")) {
      assertTrue(Files.isRegularFile(out.resolve(grid).resolve("summary.json")), grid + " in " + out);
    }
    JsonNode run = json.readTree(out.resolve("final-seed1").resolve("summary.json").toFile());
    assertEquals("pixels", run.get("method").asText());
    assertEquals(chosenDecay, run.get("weight_decay").asDouble(), 0.0, "the final run used the sweep's choice");
    assertEquals(60, run.get("train_size").asInt());
    assertEquals(1.0, run.get("test_acc").asDouble(), 0.0, "separable in pixels: every test image right");
    assertEquals(0, run.get("prompts").asInt());
    assertEquals(28 * 28 * 2 + 2, run.get("trainable_parameters").asLong(), "a head on 784 pixels, 2 classes");

    Path page = tmp.resolve("RESULTS.md");
    ResultsReport.read(List.of(out)).write(page, tmp.resolve("figures"), "provpt report");
    assertTrue(Files.readString(page).contains("| pixels | 1 | 100.00 ± 0.00 |"), "its own row in Tab. 1");
  }
}
