package dev.provpt.data.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.DebianPackages;
import dev.provpt.data.DataException;
import dev.provpt.data.ImageSet;
import dev.provpt.data.suite.LetterFonts;
import dev.provpt.data.suite.SuiteTasks;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fractal-glyphs pre-training data: sizes, determinism, the fill check, and disjointness from the suite. */
class FractalGlyphsTest {

  private static final int SIZE = 28;

  private static FractalGlyphs.Sets fractalsOnly(int classes, long fractalSeed, long seed) {
    return FractalGlyphs.generate(new FractalGlyphs.Spec(classes, fractalSeed, false, 6, 3, seed, SuiteTasks.SEED),
        LetterFonts.under(Path.of("/nonexistent/provpt-fonts")), SIZE); // glyphs off: fonts are not read
  }

  @Test
  void sizesAndClassBalanceWithGlyphsAfterFractals() {
    DebianPackages.assumeSuiteTask("letters"); // glyphs are drawn from the letters task's fonts
    FractalGlyphs.Sets sets = FractalGlyphs.generate(new FractalGlyphs.Spec(5, 1, true, 4, 2, 1, SuiteTasks.SEED),
        LetterFonts.installed(), SIZE);
    int classes = 5 + Glyphs.CHARACTERS.length();
    assertEquals(classes, FractalGlyphs.numClasses(new FractalGlyphs.Spec(5, 1, true, 4, 2, 1, SuiteTasks.SEED)));
    for (ImageSet set : List.of(sets.train(), sets.test())) {
      assertEquals(classes, set.numClasses());
      assertEquals(SIZE, set.height());
      assertEquals(1, set.channels());
      assertEquals("fractal-000", set.classNames().get(0));
      assertEquals("glyph-K", set.classNames().get(5));
      assertEquals("glyph-*", set.classNames().get(classes - 1));
    }
    int[] four = new int[classes];
    Arrays.fill(four, 4);
    assertArrayEquals(four, sets.train().classCounts());
    int[] two = new int[classes];
    Arrays.fill(two, 2);
    assertArrayEquals(two, sets.test().classCounts());
    assertEquals(classes, sets.description().get("classes"));
    // every image draws something, glyphs included
    for (byte[] image : sets.train().bytePixels()) {
      assertTrue(lit(image) > 10, "an image is (nearly) black");
    }
  }

  @Test
  void theSeedsGiveTheSameBytesAndOtherSeedsOthers() {
    FractalGlyphs.Sets a = fractalsOnly(8, 3, 5);
    FractalGlyphs.Sets b = fractalsOnly(8, 3, 5);
    assertTrue(Arrays.deepEquals(a.train().bytePixels(), b.train().bytePixels()));
    assertTrue(Arrays.deepEquals(a.test().bytePixels(), b.test().bytePixels()));
    assertFalse(Arrays.deepEquals(a.train().bytePixels(), fractalsOnly(8, 3, 6).train().bytePixels()),
        "another instance seed draws other instances");
    assertFalse(Arrays.deepEquals(a.train().bytePixels(), fractalsOnly(8, 4, 5).train().bytePixels()),
        "another fractal seed draws other classes");
    // held-out images are other instances: no test image repeats a training image
    Set<String> train = new HashSet<>();
    for (byte[] image : a.train().bytePixels()) {
      train.add(Arrays.toString(image));
    }
    for (byte[] image : a.test().bytePixels()) {
      assertFalse(train.contains(Arrays.toString(image)));
    }
  }

  @Test
  void glyphInstancesAreDeterministicToo() {
    DebianPackages.assumeSuiteTask("letters"); // glyphs are drawn from the letters task's fonts
    Glyphs glyphs = Glyphs.load(LetterFonts.installed(), SuiteTasks.SEED);
    for (int c = 0; c < glyphs.numClasses(); c += 7) {
      assertArrayEquals(glyphs.instance(c, SIZE, new SplittableRandom(c)), glyphs.instance(c, SIZE, new SplittableRandom(c)));
    }
  }

  @Test
  void acceptedClassesFillTheImageAndDegenerateSystemsAreRejected() {
    for (Fractals.Ifs ifs : Fractals.classes(7, 20, SIZE)) {
      assertTrue(Fractals.fillRate(ifs, SIZE) >= Fractals.MIN_FILL);
      assertTrue(ifs.maps().length >= Fractals.MIN_MAPS && ifs.maps().length <= Fractals.MAX_MAPS);
    }
    // the check does reject: some random systems fall short
    SplittableRandom random = new SplittableRandom(1);
    int rejected = 0;
    for (int i = 0; i < 200; i++) {
      rejected += Fractals.accepted(Fractals.draw(random), SIZE) ? 0 : 1;
    }
    assertTrue(rejected > 20 && rejected < 180, rejected + " of 200 rejected");
    // a segment (y collapses to 0), a single point, a diverging system, all maps singular
    Fractals.Ifs segment = new Fractals.Ifs(new double[][] {{0.5, 0, 0, 0.01, 0, 0}, {0.5, 0, 0, 0.01, 0.5, 0}});
    Fractals.Ifs point = new Fractals.Ifs(new double[][] {{0.5, 0, 0, 0.5, 0.1, 0.1}});
    Fractals.Ifs diverging = new Fractals.Ifs(new double[][] {{1.5, 0, 0, 1.5, 0.1, 0}, {1.2, 0.3, 0, 1.4, 0, 0.2}});
    Fractals.Ifs singular = new Fractals.Ifs(new double[][] {{1, 1, 1, 1, 0, 0}, {0, 0, 0, 0, 1, 1}});
    for (Fractals.Ifs bad : List.of(segment, point, diverging, singular)) {
      assertFalse(Fractals.accepted(bad, SIZE));
    }
    assertTrue(Fractals.fillRate(segment, SIZE) > 0 && Fractals.fillRate(segment, SIZE) < Fractals.MIN_FILL);
    assertEquals(0, Fractals.fillRate(diverging, SIZE));
    // Sierpinski's triangle passes
    Fractals.Ifs sierpinski = new Fractals.Ifs(new double[][] {
        {0.5, 0, 0, 0.5, 0, 0}, {0.5, 0, 0, 0.5, 0.5, 0}, {0.5, 0, 0, 0.5, 0.25, 0.5}});
    assertTrue(Fractals.accepted(sierpinski, SIZE));
  }

  @Test
  void glyphClassesAvoidTheSuitesCharactersAndTestFonts() {
    DebianPackages.assumeSuiteTask("letters"); // glyphs are drawn from the letters task's fonts
    for (char c : Glyphs.CHARACTERS.toCharArray()) {
      assertFalse((c >= 'A' && c <= 'J') || (c >= 'a' && c <= 'j') || (c >= '0' && c <= '9'), "suite class " + c);
    }
    assertEquals(Glyphs.CHARACTERS.length(), Glyphs.CHARACTERS.chars().distinct().count());
    LetterFonts.Deal deal = LetterFonts.installed().deal(SuiteTasks.SEED);
    Set<Path> pool = new HashSet<>(deal.poolFonts());
    assertTrue(deal.testFonts().stream().noneMatch(pool::contains), "a font is both train/val and test");
    assertTrue(deal.poolFonts().size() >= 100 && deal.testFonts().size() >= 100);
    Glyphs glyphs = Glyphs.load(LetterFonts.installed(), SuiteTasks.SEED);
    assertEquals(deal.poolFonts().size(), glyphs.poolFonts());
    assertEquals(deal.testFonts().size(), glyphs.testFonts());
    for (int fonts : glyphs.fontsPerClass()) {
      assertTrue(fonts >= Glyphs.MIN_FONTS_PER_CLASS && fonts <= deal.poolFonts().size());
    }
  }

  @Test
  void missingFontPackagesAreNamed() {
    Path nowhere = Path.of("/nonexistent/provpt-fonts");
    var error = assertThrows(DataException.class, () -> FractalGlyphs.generate(
        new FractalGlyphs.Spec(2, 1, true, 2, 1, 1, SuiteTasks.SEED), LetterFonts.under(nowhere), SIZE));
    assertTrue(error.getMessage().startsWith("letters: " + nowhere.resolve("usr/share/fonts/truetype/aenigma/zurklezs.ttf")),
        error.getMessage());
    assertTrue(error.getMessage().endsWith("not found: install the Debian packages fonts-aenigma fonts-dejavu-core "
        + "fonts-liberation fonts-freefont-ttf fonts-urw-base35 fonts-dustin"), error.getMessage());
  }

  private static int lit(byte[] image) {
    int n = 0;
    for (byte b : image) {
      n += b != 0 ? 1 : 0;
    }
    return n;
  }
}
