package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
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
 * The README's "your own images" path end to end: a folder of class subfolders of PNG and JPEG files,
 * no test folder, tuned for two epochs (on a small random backbone, for speed) through `provpt run`, then
 * `provpt predict` on the export, which names the class folders.
 */
class OwnImagesTest {

  private static final List<String> CLASSES = List.of("circle", "cross", "square");

  @TempDir
  Path tmp;

  @Test
  void tuneOnClassFoldersThenPredictWithTheExport() throws Exception {
    Path photos = tmp.resolve("photos");
    writeImages(photos, 8);
    Path experiment = Files.writeString(tmp.resolve("my-photos.conf"), String.join("\n",
        "provpt {",
        "  name = \"my-photos\"",
        "  backbone = \"" + dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone")) + "\"",
        "  method = \"pro-vpt\"",
        "  data { kind = folder, folder.train = \"" + photos + "\", folder.val-fraction = 0.2 }",
        "  train.epochs = 2",
        "}"));
    Path run = tmp.resolve("run");
    int[] code = new int[1];
    String printed = dev.provpt.Console.printed(() -> code[0] = Main.execute("run", "-c", experiment.toString(),
        "--quiet", "--run-dir", run.toString()));
    assertEquals(0, code[0], printed);
    // 8 per class: 2 held out for test (0.2, rounded), 1 of the other 6 for val, 5 to train
    assertTrue(printed.contains("(15 train / 3 val / 6 test)"), printed);
    JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    assertEquals(3, summary.get("classes").asInt());
    assertEquals(CLASSES, Files.readAllLines(run.resolve("export/classes.txt")));

    List<String> images = new ArrayList<>();
    for (String name : CLASSES) {
      try (var files = Files.list(photos.resolve(name))) {
        files.sorted().limit(2).forEach(f -> images.add(f.toString()));
      }
    }
    List<String> arguments = new ArrayList<>(List.of("predict", "--model", run.resolve("export").toString()));
    arguments.addAll(images);
    String predicted = dev.provpt.Console.printed(() -> code[0] = Main.execute(arguments.toArray(String[]::new)));
    assertEquals(0, code[0], predicted);
    List<String> lines = predicted.lines().filter(l -> l.startsWith("{")).toList();
    assertEquals(images.size(), lines.size(), predicted);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = new ObjectMapper().readTree(lines.get(i));
      assertEquals(images.get(i), line.get("image").asText());
      assertEquals(3, line.get("logits").size());
      assertEquals(CLASSES.get(line.get("class").asInt()), line.get("label").asText());
      assertArgmax(line);
    }
  }

  private static void assertArgmax(JsonNode line) {
    double[] logits = new double[line.get("logits").size()];
    for (int k = 0; k < logits.length; k++) {
      logits[k] = line.get("logits").get(k).asDouble();
    }
    int best = 0;
    for (int k = 1; k < logits.length; k++) {
      best = logits[k] > logits[best] ? k : best;
    }
    assertEquals(best, line.get("class").asInt(), line.toString());
  }

  /** {@code perClass} 40 × 40 colour images of each shape (PNG, every third one JPEG), at random places and sizes. */
  static void writeImages(Path root, int perClass) throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    for (String name : CLASSES) {
      Files.createDirectories(root.resolve(name));
      for (int i = 0; i < perClass; i++) {
        BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(60), random.nextInt(60), random.nextInt(60)));
        g.fillRect(0, 0, 40, 40);
        g.setColor(new Color(150 + random.nextInt(100), 150 + random.nextInt(100), 150 + random.nextInt(100)));
        g.setStroke(new BasicStroke(3));
        int size = 14 + random.nextInt(12);
        int x = random.nextInt(40 - size);
        int y = random.nextInt(40 - size);
        switch (name) {
          case "circle" -> g.fillOval(x, y, size, size);
          case "square" -> g.fillRect(x, y, size, size);
          default -> {
            g.drawLine(x, y, x + size, y + size);
            g.drawLine(x + size, y, x, y + size);
          }
        }
        g.dispose();
        String format = i % 3 == 2 ? "jpg" : "png";
        ImageIO.write(image, format, root.resolve(name).resolve(name + "-" + i + "." + format).toFile());
      }
    }
  }
}
