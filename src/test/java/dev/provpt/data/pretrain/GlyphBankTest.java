package dev.provpt.data.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.provpt.data.ImageSet;
import dev.provpt.data.suite.LetterFonts;
import dev.provpt.data.suite.SuiteTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The glyph bank: its classes stay clear of the suite's characters, and its epochs are fresh and reproducible. */
class GlyphBankTest {
  private static final int SIZE = 28;
  private static GlyphBank bank;

  @BeforeAll
  static void load() {
    assumeTrue(Files.exists(Path.of("/usr/share/fonts/truetype/aenigma/zurklezs.ttf")),
        "needs the letters task's Debian font packages (fonts-aenigma and five more: see .ci/run)");
    bank = GlyphBank.load(LetterFonts.installed(), SuiteTasks.SEED);
  }

  @Test
  void noCandidateIsOrDecomposesToASuiteCharacter() {
    // a suite letter or digit, an accented A, a feminine ordinal (NFKD a), a vulgar half (NFKD 1/2),
    // the Roman numeral one (NFKD I), o (draws as O), and a combining accent
    for (int cp : new int[] {'A', 'j', '7', 0xC0, 0xAA, 0xBD, 0x2160, 'o', 0x301}) {
      assertFalse(GlyphBank.candidate(cp), "U+" + Integer.toHexString(cp));
    }
    for (int cp : new int[] {'K', 'y', '@', 0x416, 0x3BB, 0x2211}) { // K y @ Ж λ ∑
      assertTrue(GlyphBank.candidate(cp), "U+" + Integer.toHexString(cp));
    }
    assertTrue(Arrays.stream(GlyphBank.candidates()).noneMatch(cp -> GlyphBank.SUITE_CHARACTERS.indexOf(cp) >= 0));
  }

  @Test
  void lookalikesOfTheSuitesCharactersAreDropped() {
    String kept = bank.characters();
    // Cyrillic А В Е Н І Ј а е с і ј, Greek Α Β Ε Η Ι, and O (many fonts draw it as the digit 0)
    for (int cp : new int[] {0x410, 0x412, 0x415, 0x41D, 0x406, 0x408, 0x430, 0x435, 0x441, 0x456, 0x458,
        0x391, 0x392, 0x395, 0x397, 0x399, 'O'}) {
      assertTrue(kept.indexOf(cp) < 0, "kept a lookalike: " + new String(Character.toChars(cp)));
    }
    for (int cp : new int[] {'@', 'M', 0x416, 0x3BB, 0x2211}) { // @ M Ж λ ∑ draw unlike any suite character
      assertTrue(kept.indexOf(cp) >= 0, "dropped " + new String(Character.toChars(cp)));
    }
    assertTrue(bank.numClasses() >= 300, bank.numClasses() + " classes");
    assertEquals(bank.numClasses(), kept.codePointCount(0, kept.length()));
    assertEquals("glyph-U+0040", bank.classNames().get(kept.indexOf('@')));
  }

  @Test
  void onlyTheLettersPoolFontsAreDrawn() {
    LetterFonts.Deal deal = LetterFonts.installed().deal(SuiteTasks.SEED);
    assertEquals(deal.poolFonts().size(), bank.poolFonts());
    for (int fonts : bank.fontsPerClass()) {
      assertTrue(fonts >= GlyphBank.MIN_FONTS && fonts <= deal.poolFonts().size(), fonts + " fonts");
    }
  }

  @Test
  void everyEpochIsFreshAndEverySpecReproducible() {
    FractalGlyphs.Spec spec = new FractalGlyphs.Spec(3, 1, FractalGlyphs.GlyphSet.BANK, 2, 1, 7, SuiteTasks.SEED, true);
    FractalGlyphs.Generator a = FractalGlyphs.open(spec, LetterFonts.installed(), SIZE);
    assertEquals(3 + bank.numClasses(), a.numClasses());
    ImageSet first = a.train(0);
    ImageSet second = a.train(1);
    assertEquals(2 * a.numClasses(), first.size());
    assertEquals(a.numClasses(), a.test().size());
    ImageSet again = a.train(0);
    // another generator of the same spec (reading the fonts again) draws the same bytes: generate's epoch 0
    ImageSet generated = FractalGlyphs.generate(spec, LetterFonts.installed(), SIZE).train();
    for (int i = 0; i < first.size(); i += 97) {
      assertArrayEquals(first.bytePixels()[i], again.bytePixels()[i]);
      assertArrayEquals(first.bytePixels()[i], generated.bytePixels()[i]);
      assertFalse(Arrays.equals(first.bytePixels()[i], second.bytePixels()[i]), "epoch 1 repeats image " + i);
    }
    assertArrayEquals(first.labels(), second.labels());
  }

  @Test
  void aGlyphInstanceDrawsSomething() {
    SplittableRandom random = new SplittableRandom(3);
    for (int c = 0; c < bank.numClasses(); c += 50) {
      byte[] image = bank.instance(c, SIZE, random);
      long lit = 0;
      for (byte v : image) {
        lit += (v & 0xff) > 64 ? 1 : 0;
      }
      assertTrue(lit > 5, "class " + bank.classNames().get(c) + " drew " + lit + " pixels");
    }
  }
}
