package dev.provpt.data.pretrain;

import dev.provpt.data.DataException;
import dev.provpt.data.suite.LetterFonts;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Glyphs of characters no suite task uses, drawn from the letters task's train/val-pool fonts only:
 * the classes are K-Z, the lower-case letters k-z whose shape differs from their capital once scaled
 * to fill the image (o, s, u, v, w, x, z are dropped, and l, which draws as I or 1), and eleven
 * symbols. No A-J, a-j or 0-9 and no letters test font is ever drawn. An instance is the glyph of a
 * random pool font that has the character, rotated by up to 10 degrees, sheared by up to 0.1, then
 * drawn by the letters task's renderer (longer side 60-90% of the image, shifted at random).
 */
public final class Glyphs {

  /** The characters, one class each, in label order. */
  public static final String CHARACTERS = "KLMNOPQRSTUVWXYZ" + "kmnpqrty" + "&?@#$%+=<>*";
  /** Fewest pool fonts that must draw a character. */
  static final int MIN_FONTS_PER_CLASS = 20;
  private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

  private final List<List<Shape>> outlines;
  private final int poolFonts;
  private final int testFonts;

  private Glyphs(List<List<Shape>> outlines, int poolFonts, int testFonts) {
    this.outlines = outlines;
    this.poolFonts = poolFonts;
    this.testFonts = testFonts;
  }

  /**
   * The outlines of every character in the fonts that the letters task with {@code suiteSeed} deals to
   * its train/val pool; a font gives a character when it maps it to a non-empty glyph that draws unlike
   * its other characters (a font drawing missing characters as one box gives none of them).
   *
   * @throws DataException naming the Debian font packages that are missing
   */
  public static Glyphs load(LetterFonts fonts, long suiteSeed) {
    LetterFonts.Deal deal = fonts.deal(suiteSeed);
    List<List<Shape>> outlines = new ArrayList<>();
    for (int c = 0; c < CHARACTERS.length(); c++) {
      outlines.add(new ArrayList<>());
    }
    for (Path file : deal.poolFonts()) {
      Font font;
      try {
        font = Font.createFont(Font.TRUETYPE_FONT, file.toFile()).deriveFont(100f);
      } catch (FontFormatException | IOException e) {
        continue; // the letters task loaded it, so this does not happen; skip rather than fail
      }
      Shape[] shapes = new Shape[CHARACTERS.length()];
      Map<ByteBuffer, Integer> drawn = new HashMap<>();
      boolean[] duplicate = new boolean[shapes.length];
      for (int c = 0; c < shapes.length; c++) {
        char ch = CHARACTERS.charAt(c);
        if (!font.canDisplay(ch)) {
          continue;
        }
        Shape outline = font.createGlyphVector(FRC, String.valueOf(ch)).getOutline();
        Rectangle2D bounds = outline.getBounds2D();
        if (bounds.getWidth() <= 0 || bounds.getHeight() <= 0) {
          continue;
        }
        shapes[c] = outline;
        Integer before = drawn.putIfAbsent(ByteBuffer.wrap(LetterFonts.render(outline, 16, 0.9, 0, 0)), c);
        if (before != null) {
          duplicate[c] = true;
          duplicate[before] = true;
        }
      }
      for (int c = 0; c < shapes.length; c++) {
        if (shapes[c] != null && !duplicate[c]) {
          outlines.get(c).add(shapes[c]);
        }
      }
    }
    for (int c = 0; c < CHARACTERS.length(); c++) {
      if (outlines.get(c).size() < MIN_FONTS_PER_CLASS) {
        throw new DataException("glyphs: only " + outlines.get(c).size() + " of the " + deal.poolFonts().size()
            + " letters train/val fonts draw '" + CHARACTERS.charAt(c) + "', expected at least " + MIN_FONTS_PER_CLASS);
      }
    }
    return new Glyphs(outlines.stream().map(List::copyOf).toList(), deal.poolFonts().size(), deal.testFonts().size());
  }

  public int numClasses() {
    return outlines.size();
  }

  /** Class names: "glyph-" and the character. */
  public List<String> classNames() {
    return CHARACTERS.chars().mapToObj(ch -> "glyph-" + (char) ch).toList();
  }

  /** Fonts of the letters train/val pool (those drawn from) and of its test set (never drawn). */
  public int poolFonts() {
    return poolFonts;
  }

  public int testFonts() {
    return testFonts;
  }

  /** Pool fonts that give each character, in class order. */
  public int[] fontsPerClass() {
    return outlines.stream().mapToInt(List::size).toArray();
  }

  /** One instance of class {@code c}: size × size grey bytes, drawn from {@code random}. */
  public byte[] instance(int c, int size, SplittableRandom random) {
    List<Shape> fonts = outlines.get(c);
    return draw(fonts.get(random.nextInt(fonts.size())), size, random);
  }

  /** {@code outline} rotated, sheared, sized and shifted at random, drawn as the letters task draws a glyph. */
  static byte[] draw(Shape outline, int size, SplittableRandom random) {
    double angle = random.nextDouble(-10, 10) * Math.PI / 180;
    AffineTransform affine = AffineTransform.getRotateInstance(angle);
    affine.shear(random.nextDouble(-0.1, 0.1), 0);
    double fill = random.nextDouble(0.6, 0.9);
    double shiftX = random.nextDouble(-0.8, 0.8);
    double shiftY = random.nextDouble(-0.8, 0.8);
    return LetterFonts.render(affine.createTransformedShape(outline), size, fill, shiftX, shiftY);
  }
}
