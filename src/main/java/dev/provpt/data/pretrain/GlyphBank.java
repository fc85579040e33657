package dev.provpt.data.pretrain;

import dev.provpt.data.DataException;
import dev.provpt.data.suite.LetterFonts;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every character of the letters task's train/val-pool fonts that no suite task uses, one class each:
 * Latin (basic and extended), IPA, Greek, Cyrillic, punctuation, currency, letter-like symbols,
 * arrows, mathematical operators, technical, geometric and miscellaneous symbols, dingbats.
 *
 * <p>Disjoint from the suite by construction: a character whose compatibility decomposition
 * contains a suite character (A–J, a–j, 0–9) is never a candidate (so no À, ª, ½ or Ⅰ); a character
 * that draws like a suite character or like an earlier class in at least a fifth of the fonts that
 * have it (Cyrillic А, Greek Ο against O, µ against μ, and O itself, which many fonts draw as 0) is
 * dropped, two drawings being alike when their 16 × 16 renderings differ by at most {@link #NEAR} of
 * full scale per pixel on average. A font drawing four or more characters identically (a
 * missing-glyph box) gives none of them. Classes need {@link #MIN_FONTS}
 * fonts. Letters test fonts are never read, as in {@link Glyphs}.
 */
public final class GlyphBank {

  /** The Unicode blocks the candidates come from, as [first, last] code points. */
  static final int[][] BLOCKS = {
      {0x21, 0x7E}, {0xA1, 0xFF}, {0x100, 0x24F}, {0x250, 0x2AF}, {0x370, 0x3FF}, {0x400, 0x4FF},
      {0x2010, 0x205E}, {0x20A0, 0x20BF}, {0x2100, 0x214F}, {0x2190, 0x21FF}, {0x2200, 0x22FF},
      {0x2300, 0x23FF}, {0x25A0, 0x25FF}, {0x2600, 0x26FF}, {0x2700, 0x27BF}};
  /** The characters the suite's tasks classify. */
  static final String SUITE_CHARACTERS = "ABCDEFGHIJabcdefghij0123456789";
  /** Lower-case letters that draw like their capital once scaled to fill the image, and l (like I). */
  static final String LIKE_CAPITALS = "osuvwxzl";
  static final int MIN_FONTS = 20;
  /** Mean absolute pixel difference (share of full scale) up to which two renderings are the same drawing. */
  static final double NEAR = 0.02;
  /** Share of a character's fonts in which it may draw like another before it is dropped. */
  static final double MAX_CONFUSED_SHARE = 0.2;
  private static final int PRINT = 16;
  private static final long NEAR_SUM = Math.round(NEAR * 255 * PRINT * PRINT);
  private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

  private final int[] codePoints;
  private final List<List<Shape>> outlines;
  private final int poolFonts;

  private GlyphBank(int[] codePoints, List<List<Shape>> outlines, int poolFonts) {
    this.codePoints = codePoints;
    this.outlines = outlines;
    this.poolFonts = poolFonts;
  }

  /** Whether {@code cp} may be a class at all, before any font is read. */
  static boolean candidate(int cp) {
    int type = Character.getType(cp);
    if (!Character.isDefined(cp) || Character.isWhitespace(cp) || Character.isISOControl(cp)
        || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
        || type == Character.COMBINING_SPACING_MARK || type == Character.FORMAT || type == Character.PRIVATE_USE
        || type == Character.MODIFIER_SYMBOL || type == Character.MODIFIER_LETTER) {
      return false;
    }
    String s = new String(Character.toChars(cp));
    if (LIKE_CAPITALS.contains(s)) {
      return false;
    }
    return Normalizer.normalize(s, Normalizer.Form.NFKD).chars().noneMatch(c -> SUITE_CHARACTERS.indexOf(c) >= 0);
  }

  /** Every candidate code point, in order. */
  static int[] candidates() {
    List<Integer> out = new ArrayList<>();
    for (int[] block : BLOCKS) {
      for (int cp = block[0]; cp <= block[1]; cp++) {
        if (candidate(cp)) {
          out.add(cp);
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Reads the pool fonts of the letters task with {@code suiteSeed} and keeps the classes described above.
   *
   * @throws DataException naming the Debian font packages that are missing
   */
  public static GlyphBank load(LetterFonts fonts, long suiteSeed) {
    List<Path> pool = fonts.deal(suiteSeed).poolFonts();
    int[] candidates = candidates();
    List<Font> faces = new ArrayList<>();
    for (Path file : pool) {
      try {
        faces.add(Font.createFont(Font.TRUETYPE_FONT, file.toFile()).deriveFont(100f));
      } catch (FontFormatException | IOException e) {
        // the letters task loaded it, so this does not happen; skip rather than fail
      }
    }
    // drawings[f][k]: candidate k in font f (null where the font lacks it); prints likewise, plus the suite's
    Shape[][] drawings = new Shape[faces.size()][];
    byte[][][] prints = new byte[faces.size()][][];
    byte[][][] suitePrints = new byte[faces.size()][][];
    java.util.stream.IntStream.range(0, faces.size()).parallel().forEach(f -> {
      drawings[f] = new Shape[candidates.length];
      prints[f] = new byte[candidates.length][];
      for (int k = 0; k < candidates.length; k++) {
        drawings[f][k] = outline(faces.get(f), candidates[k]);
        prints[f][k] = drawings[f][k] == null ? null : print(drawings[f][k]);
      }
      suitePrints[f] = SUITE_CHARACTERS.chars().mapToObj(c -> outline(faces.get(f), c))
          .map(o -> o == null ? null : print(o)).toArray(byte[][]::new);
      dropBoxes(prints[f], drawings[f]);
    });
    List<Integer> kept = new ArrayList<>();
    List<List<Shape>> outlines = new ArrayList<>();
    for (int k = 0; k < candidates.length; k++) {
      List<Shape> have = new ArrayList<>();
      for (int f = 0; f < faces.size(); f++) {
        if (prints[f][k] != null) {
          have.add(drawings[f][k]);
        }
      }
      int candidate = k;
      long confused = java.util.stream.IntStream.range(0, faces.size()).parallel()
          .filter(f -> prints[f][candidate] != null && (nearAny(prints[f][candidate], suitePrints[f])
              || nearKept(prints[f], candidate, kept)))
          .count();
      if (have.size() >= MIN_FONTS && confused <= MAX_CONFUSED_SHARE * have.size()) {
        kept.add(k);
        outlines.add(List.copyOf(have));
      }
    }
    if (kept.isEmpty()) {
      throw new DataException("glyph bank: no character is drawn by " + MIN_FONTS + " of the " + pool.size()
          + " letters train/val fonts");
    }
    int[] codePoints = kept.stream().mapToInt(k -> candidates[k]).toArray();
    return new GlyphBank(codePoints, List.copyOf(outlines), pool.size());
  }

  private static Shape outline(Font font, int cp) {
    if (!font.canDisplay(cp)) {
      return null;
    }
    Shape outline = font.createGlyphVector(FRC, new String(Character.toChars(cp))).getOutline();
    Rectangle2D bounds = outline.getBounds2D();
    return bounds.getWidth() > 0 && bounds.getHeight() > 0 ? outline : null;
  }

  /** The outline filling 90% of a 16 × 16 image, centred. */
  static byte[] print(Shape outline) {
    return LetterFonts.render(outline, PRINT, 0.9, 0, 0);
  }

  /** Whether two prints are the same drawing (mean absolute difference at most {@link #NEAR}). */
  static boolean alike(byte[] a, byte[] b) {
    long sum = 0;
    for (int i = 0; i < a.length && sum <= NEAR_SUM; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return sum <= NEAR_SUM;
  }

  private static boolean nearAny(byte[] print, byte[][] others) {
    for (byte[] other : others) {
      if (other != null && alike(print, other)) {
        return true;
      }
    }
    return false;
  }

  private static boolean nearKept(byte[][] fontPrints, int k, List<Integer> kept) {
    for (int j : kept) {
      if (fontPrints[j] != null && alike(fontPrints[k], fontPrints[j])) {
        return true;
      }
    }
    return false;
  }

  /** A drawing shared exactly by four or more characters of one font is its missing-glyph box: drop them all. */
  private static void dropBoxes(byte[][] prints, Shape[] drawings) {
    boolean[] box = new boolean[prints.length];
    java.util.Map<java.nio.ByteBuffer, List<Integer>> same = new java.util.HashMap<>();
    for (int k = 0; k < prints.length; k++) {
      if (prints[k] != null) {
        same.computeIfAbsent(java.nio.ByteBuffer.wrap(prints[k]), x -> new ArrayList<>()).add(k);
      }
    }
    same.values().stream().filter(ks -> ks.size() >= 4).forEach(ks -> ks.forEach(k -> box[k] = true));
    for (int k = 0; k < prints.length; k++) {
      if (box[k]) {
        prints[k] = null;
        drawings[k] = null;
      }
    }
  }

  public int numClasses() {
    return codePoints.length;
  }

  /** Class names: "glyph-U+XXXX". */
  public List<String> classNames() {
    return java.util.Arrays.stream(codePoints).mapToObj(cp -> String.format("glyph-U+%04X", cp)).toList();
  }

  /** The classes' characters, in label order. */
  public String characters() {
    StringBuilder s = new StringBuilder();
    java.util.Arrays.stream(codePoints).forEach(s::appendCodePoint);
    return s.toString();
  }

  public int poolFonts() {
    return poolFonts;
  }

  public int[] fontsPerClass() {
    return outlines.stream().mapToInt(List::size).toArray();
  }

  /** One instance of class {@code c}, drawn as {@link Glyphs#instance} draws one. */
  public byte[] instance(int c, int size, SplittableRandom random) {
    List<Shape> fonts = outlines.get(c);
    return Glyphs.draw(fonts.get(random.nextInt(fonts.size())), size, random);
  }
}
