package dev.provpt.data.suite;

import dev.provpt.data.DataException;
import java.awt.Shape;
import java.nio.file.Path;
import java.util.List;

/**
 * The fonts of the {@code letters} task, as other data sources may use them: which font files the
 * task deals to its train/val pool and which to its unseen test set for a seed, and the task's glyph
 * rendering. Pre-training draws glyphs from the pool fonts only, so no letters test font is seen
 * before tuning.
 */
public final class LetterFonts {

  /** The files dealt to the train/val pool and to the test set, in the order dealt. */
  public record Deal(List<Path> poolFonts, List<Path> testFonts) {
    public Deal {
      poolFonts = List.copyOf(poolFonts);
      testFonts = List.copyOf(testFonts);
    }
  }

  private final List<Letters.FontDir> dirs;

  private LetterFonts(List<Letters.FontDir> dirs) {
    this.dirs = dirs;
  }

  /** The installed Debian font packages the letters task reads. */
  public static LetterFonts installed() {
    return new LetterFonts(Letters.FONT_DIRS);
  }

  /** The same packages looked for under {@code root} (a test points this at a folder without them). */
  public static LetterFonts under(Path root) {
    return new LetterFonts(Letters.FONT_DIRS.stream().map(d -> new Letters.FontDir(d.debianPackage(),
        root.resolve(Path.of("/").relativize(d.dir().toAbsolutePath())), d.marker(), d.files())).toList());
  }

  /** The Debian packages the fonts come from. */
  public List<String> debianPackages() {
    return dirs.stream().map(Letters.FontDir::debianPackage).toList();
  }

  /** The Debian packages of {@link #debianPackages()} that are not installed. */
  public List<String> missingPackages() {
    return Letters.missingPackages(dirs);
  }

  /**
   * The fonts the letters task with {@code seed} deals to train/val and to test: the same deal as
   * {@code SuiteTasks.named("letters").generate(seed, ...)} makes.
   *
   * @throws DataException naming the Debian packages that are missing
   */
  public Deal deal(long seed) {
    List<List<Path>> dealt = Letters.dealtFiles(dirs, seed);
    return new Deal(dealt.get(0), dealt.get(1));
  }

  /**
   * {@code glyph} drawn as the letters task draws a letter: scaled so its longer side is {@code fill} ×
   * size, moved by shift (in [-1, 1]) × the free margin, filled white on black with antialiasing;
   * size × size unsigned bytes.
   */
  public static byte[] render(Shape glyph, int size, double fill, double shiftX, double shiftY) {
    return Raster.toBytes(Letters.render(glyph, size, fill, shiftX, shiftY));
  }
}
