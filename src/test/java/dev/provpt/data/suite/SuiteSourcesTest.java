package dev.provpt.data.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.data.DataException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real sources: what a missing Debian package says, and properties of the images themselves. */
class SuiteSourcesTest {

  private static final Path NOWHERE = Path.of("/nonexistent/provpt-suite");

  @Test
  void missingDigitsNameTheFileAndThePackage() {
    Path csv = NOWHERE.resolve("digits.csv.gz");
    var error = assertThrows(DataException.class, () -> new Digits(csv).generate(1, 28, 1));
    assertEquals("digits: " + csv + " not found: install the Debian package python3-sklearn", error.getMessage());
    var noisy = assertThrows(DataException.class, () -> Degraded.noisyDigits(new Digits(csv)).generate(1, 28, 1));
    assertEquals("digits-noise: " + error.getMessage(), noisy.getMessage());
    assertEquals(List.of("python3-sklearn"), Degraded.noisyDigits(new Digits(csv)).missingPackages());
    assertEquals(List.of(), SuiteTasks.named("count").missingPackages());
  }

  @Test
  void missingFontPackagesAreAllNamed(@TempDir Path installed) throws java.io.IOException {
    java.nio.file.Files.createFile(installed.resolve("DejaVuSans.ttf")); // present: only its marker is looked at
    List<Letters.FontDir> dirs = List.of(
        new Letters.FontDir("fonts-aenigma", NOWHERE.resolve("aenigma"), "zurklezs.ttf", ".*\\.ttf"),
        new Letters.FontDir("fonts-dejavu-core", installed, "DejaVuSans.ttf", ".*\\.ttf"),
        new Letters.FontDir("fonts-dustin", NOWHERE.resolve("dustin"), "Dustismo.ttf", ".*\\.ttf"));
    var error = assertThrows(DataException.class, () -> Degraded.lowResLetters(new Letters(dirs)).generate(1, 28, 1));
    assertEquals("letters-lowres: letters: " + NOWHERE.resolve("aenigma/zurklezs.ttf") + ", "
        + NOWHERE.resolve("dustin/Dustismo.ttf") + " not found: install the Debian packages fonts-aenigma fonts-dustin",
        error.getMessage());
    assertEquals(List.of("fonts-aenigma", "fonts-dustin"), Degraded.lowResLetters(new Letters(dirs)).missingPackages());
    var one = assertThrows(DataException.class, () -> new Letters(dirs.subList(0, 1)).generate(1, 28, 1));
    assertTrue(one.getMessage().endsWith("not found: install the Debian package fonts-aenigma"), one.getMessage());
  }

  @Test
  void testFontsAreUnseenInTraining() {
    // source index = font * 10 + letter: no font (hence no design group) gives both a train/val and a test image
    SuiteSplits splits = SuiteFixtures.splits("letters");
    java.util.Set<Integer> trainFonts = new java.util.HashSet<>();
    for (int[] sources : new int[][] {splits.sources().train800(), splits.sources().val200()}) {
      for (int source : sources) {
        trainFonts.add(source / 10);
      }
    }
    int testFonts = 0;
    for (int i = 0; i < splits.test().size(); i += 10) {
      int font = splits.sources().test()[i] / 10;
      assertTrue(!trainFonts.contains(font), "font " + font + " is in train/val and test");
      testFonts++;
    }
    assertTrue(testFonts >= 100, testFonts + " test fonts");
    assertEquals(10 * testFonts, splits.test().size(), "each test font gives A to J");
  }

  @Test
  void digitsAreBrightInkOnADarkGroundAndLettersToo() {
    // thin-stroked fonts peak lower at 28 x 28 (a few dozen letters below 160): hence 100, not more
    for (String task : List.of("digits", "letters")) {
      SuiteSplits splits = SuiteFixtures.splits(task);
      for (byte[] image : splits.train800().bytePixels()) {
        int corner = image[0] & 0xff;
        int max = 0;
        for (byte b : image) {
          max = Math.max(max, b & 0xff);
        }
        assertTrue(corner < 40 && max > 100, task + ": corner " + corner + ", brightest " + max);
      }
    }
  }

  @Test
  void colourCopiesTheGreyOfGreySources() {
    SuiteSplits grey = SuiteFixtures.splits("digits");
    SuiteSplits rgb = SuiteTasks.named("digits").generate(SuiteTasks.SEED, 28, 3);
    assertEquals(3, rgb.test().channels());
    for (int i = 0; i < 50; i++) {
      byte[] g = grey.test().bytePixels()[i];
      byte[] c = rgb.test().bytePixels()[i];
      for (int p = 0; p < g.length; p++) {
        assertTrue(c[3 * p] == g[p] && c[3 * p + 1] == g[p] && c[3 * p + 2] == g[p], "pixel " + p);
      }
    }
  }
}
