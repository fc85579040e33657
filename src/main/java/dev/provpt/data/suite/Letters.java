package dev.provpt.data.suite;

import dev.provpt.data.DataException;
import dev.provpt.data.ImageSet;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * "letters" (natural, notMNIST-style): the letters A-J drawn from the real typefaces of Debian font
 * packages, one image per font and letter, the font being the variation. Each glyph outline is scaled
 * so its longer side fills 65-90% of the image, shifted at random within the margin, and filled white
 * on black with Java2D antialiasing (so bytes are the same for a seed on one JDK, not necessarily across JDKs).
 *
 * <p>Fonts are grouped into designs (the first word of the family name, with FreeFont joined to the URW
 * fonts it derives from), and the seed deals whole designs either to the train/val pool or to the test
 * set, about half each: test fonts are unseen fonts, and no bold or outline variant of a test font is in training.
 */
final class Letters extends SuiteTask {

  static final String NAME = "letters";
  static final List<String> CLASS_NAMES = List.of("A", "B", "C", "D", "E", "F", "G", "H", "I", "J");

  /** The font files of one Debian package: those of {@code dir} matching {@code files}; {@code marker} proves it installed. */
  record FontDir(String debianPackage, Path dir, String marker, String files) {
  }

  static final List<FontDir> FONT_DIRS = List.of(
      fonts("fonts-aenigma", "/usr/share/fonts/truetype/aenigma", "zurklezs.ttf", ".*\\.ttf"),
      // dejavu-extra shares the folder: take only the core package's six files
      fonts("fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu", "DejaVuSans.ttf",
          "DejaVu(Sans|Serif|SansMono)(-Bold)?\\.ttf"),
      fonts("fonts-liberation", "/usr/share/fonts/truetype/liberation", "LiberationSans-Regular.ttf", ".*\\.ttf"),
      fonts("fonts-freefont-ttf", "/usr/share/fonts/truetype/freefont", "FreeSans.ttf", ".*\\.ttf"),
      fonts("fonts-urw-base35", "/usr/share/fonts/opentype/urw-base35", "NimbusSans-Regular.otf", ".*\\.otf"),
      fonts("fonts-dustin", "/usr/share/fonts/truetype/dustin", "Dustismo.ttf", ".*\\.ttf"));

  /** Fonts whose A-J are pictures, not letters (stars, snowflakes, cubes, binary code, dingbats, Greek), judged by eye. */
  static final Set<String> NOT_LETTERS = Set.of("90stars.ttf", "bin01st.ttf", "binx01s.ttf", "bitbttf.ttf",
      "fauxsnow.ttf", "hdmaker.ttf", "lineding.ttf", "nucleus.ttf", "qbicle1.ttf", "qbicle2.ttf", "qbicle3.ttf",
      "qbicle4.ttf", "snailets.ttf", "symmetry.ttf", "D050000L.otf", "StandardSymbolsPS.otf");

  /** First words of families that share a design with a family of another first word. */
  private static final Map<String, String> DESIGN_ALIASES = Map.of("freesans", "urw", "freeserif", "urw",
      "freemono", "urw", "nimbus", "urw", "c059", "urw", "p052", "urw", "z003", "urw", "mini", "kaliber");

  /** Fewest fonts on either side: 100 fonts make 1,000 images. */
  private static final int MIN_FONTS = 100;
  private static final FontRenderContext FRC = new FontRenderContext(null, true, true);

  /** A usable font: its file, its design group, and the outlines of A-J at 100 points. */
  private record Face(Path file, String design, Shape[] glyphs) {
  }

  private final List<FontDir> dirs;

  Letters() {
    this(FONT_DIRS);
  }

  /** Reads fonts from {@code dirs} instead of the packaged folders (tests point this at a missing path). */
  Letters(List<FontDir> dirs) {
    super(new TaskInfo(NAME, TaskInfo.Group.NATURAL, CLASS_NAMES,
        "typefaces of the Debian packages " + String.join(", ", dirs.stream().map(FontDir::debianPackage).toList()),
        "per package: fonts-aenigma redistributable by its author's permission (Brian Kent), fonts-dejavu-core "
            + "Bitstream Vera licence, fonts-liberation GPL-2 with font exception, fonts-freefont-ttf GPL-3+ "
            + "with font exception, fonts-urw-base35 AGPL-3 with font exception, fonts-dustin GPL-2",
        "one image per font and letter: the glyph outline scaled to fill 65-90%, shifted at random, filled "
            + "white on black with antialiasing; font designs dealt to train/val or test by the seed"));
    this.dirs = dirs;
  }

  @Override
  public List<String> missingPackages() {
    return missingPackages(dirs);
  }

  /** The packages of {@code dirs} whose marker file is absent. */
  static List<String> missingPackages(List<FontDir> dirs) {
    return dirs.stream().filter(d -> !Files.isRegularFile(d.dir().resolve(d.marker()))).map(FontDir::debianPackage)
        .toList();
  }

  @Override
  Source source(long seed, int size, int channels) {
    List<Face> faces = load(dirs, name());
    SplittableRandom random = new SplittableRandom(seed);
    Deal deal = deal(faces, random, name());
    List<Integer> pool = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int f : deal.poolFonts()) {
      for (int letter = 0; letter < CLASS_NAMES.size(); letter++) {
        pool.add(f * CLASS_NAMES.size() + letter);
      }
    }
    for (int f : deal.testFonts()) {
      for (int letter = 0; letter < CLASS_NAMES.size(); letter++) {
        test.add(f * CLASS_NAMES.size() + letter);
      }
    }
    byte[][] images = new byte[faces.size() * CLASS_NAMES.size()][];
    int[] labels = new int[images.length];
    for (int i = 0; i < images.length; i++) {
      labels[i] = i % CLASS_NAMES.size();
      Shape glyph = faces.get(i / CLASS_NAMES.size()).glyphs()[labels[i]];
      images[i] = Raster.toBytes(render(glyph, size, Raster.uniform(random, 0.65, 0.9),
          Raster.uniform(random, -0.8, 0.8), Raster.uniform(random, -0.8, 0.8)));
    }
    return new Source(ImageSet.ofBytes(name(), size, size, 1, images, labels, CLASS_NAMES.size(), CLASS_NAMES),
        pool.stream().mapToInt(Integer::intValue).toArray(), test.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Indices into the usable fonts, in the order dealt: those of the train/val pool, and the unseen test fonts. */
  record Deal(List<Integer> poolFonts, List<Integer> testFonts) {
  }

  /**
   * Deals whole designs to the train/val pool or the test set, about half the fonts each, drawing
   * from {@code random} first (so {@link #source} goes on with the same stream).
   */
  private static Deal deal(List<Face> faces, SplittableRandom random, String task) {
    TreeMap<String, List<Integer>> designs = new TreeMap<>();
    for (int f = 0; f < faces.size(); f++) {
      designs.computeIfAbsent(faces.get(f).design(), d -> new ArrayList<>()).add(f);
    }
    List<String> keys = new ArrayList<>(designs.keySet());
    int[] order = Source.range(0, keys.size());
    Source.shuffle(order, random);
    List<Integer> pool = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int k : order) {
      boolean toPool = 2 * pool.size() < faces.size();
      (toPool ? pool : test).addAll(designs.get(keys.get(k)));
    }
    if (pool.size() < MIN_FONTS || test.size() < MIN_FONTS) {
      throw new DataException(task + ": " + faces.size() + " usable fonts split " + pool.size() + "/" + test.size()
          + ", expected at least " + MIN_FONTS + " on each side");
    }
    return new Deal(List.copyOf(pool), List.copyOf(test));
  }

  /** The font files of {@code dirs} that the task with {@code seed} deals to its train/val pool, and to its test set. */
  static List<List<Path>> dealtFiles(List<FontDir> dirs, long seed) {
    List<Face> faces = load(dirs, NAME);
    Deal deal = deal(faces, new SplittableRandom(seed), NAME);
    return List.of(deal.poolFonts().stream().map(f -> faces.get(f).file()).toList(),
        deal.testFonts().stream().map(f -> faces.get(f).file()).toList());
  }

  /**
   * The usable fonts of {@code dirs}, in folder then file-name order: they load, map A-J, draw ten
   * different non-empty glyphs, and draw them unlike every font before them (a duplicate file is dropped).
   */
  private static List<Face> load(List<FontDir> dirs, String task) {
    List<FontDir> missing = dirs.stream().filter(d -> !Files.isRegularFile(d.dir().resolve(d.marker()))).toList();
    if (!missing.isEmpty()) {
      throw new DataException(task + ": " + String.join(", ", missing.stream().map(d -> d.dir().resolve(d.marker())
          .toString()).toList()) + " not found: install the Debian package" + (missing.size() > 1 ? "s " : " ")
          + String.join(" ", missing.stream().map(FontDir::debianPackage).toList()));
    }
    List<Face> faces = new ArrayList<>();
    Set<ByteBuffer> seen = new HashSet<>();
    for (FontDir dir : dirs) {
      List<Path> files;
      try (Stream<Path> list = Files.list(dir.dir())) {
        files = list.filter(p -> p.getFileName().toString().matches(dir.files()))
            .filter(p -> !NOT_LETTERS.contains(p.getFileName().toString())).sorted().toList();
      } catch (IOException e) {
        throw new DataException(dir.dir() + ": cannot list (" + e.getMessage() + ")", e);
      }
      for (Path file : files) {
        Face face = face(file);
        byte[] print = face == null ? null : fingerprint(face);
        if (print != null && seen.add(ByteBuffer.wrap(print))) {
          faces.add(face);
        }
      }
    }
    return faces;
  }

  /** The font in {@code file}, or null when it does not load or lacks a letter. */
  private static Face face(Path file) {
    Font font;
    try {
      font = Font.createFont(Font.TRUETYPE_FONT, file.toFile()).deriveFont(100f);
    } catch (FontFormatException | IOException e) {
      return null;
    }
    Shape[] glyphs = new Shape[CLASS_NAMES.size()];
    for (int letter = 0; letter < glyphs.length; letter++) {
      char c = (char) ('A' + letter);
      glyphs[letter] = font.createGlyphVector(FRC, String.valueOf(c)).getOutline();
      Rectangle2D bounds = glyphs[letter].getBounds2D();
      if (!font.canDisplay(c) || bounds.getWidth() <= 0 || bounds.getHeight() <= 0) {
        return null;
      }
    }
    String family = font.getFamily(Locale.ROOT).replaceFirst("\\s*BRK$", "").trim();
    String first = family.split("\\s+")[0].toLowerCase(Locale.ROOT);
    return new Face(file, DESIGN_ALIASES.getOrDefault(first, first), glyphs);
  }

  /** A-J drawn centred at 16 × 16, one after another; null when two letters draw the same. */
  private static byte[] fingerprint(Face face) {
    int cells = 16 * 16;
    byte[] all = new byte[face.glyphs().length * cells];
    Set<ByteBuffer> glyphs = new HashSet<>();
    for (int letter = 0; letter < face.glyphs().length; letter++) {
      byte[] glyph = Raster.toBytes(render(face.glyphs()[letter], 16, 0.9, 0, 0));
      glyphs.add(ByteBuffer.wrap(glyph));
      System.arraycopy(glyph, 0, all, letter * cells, cells);
    }
    return glyphs.size() == face.glyphs().length ? all : null;
  }

  /** The outline scaled so its longer side is {@code fill} × size, moved by shift × the free margin, white on black. */
  static float[] render(Shape glyph, int size, double fill, double shiftX, double shiftY) {
    Rectangle2D bounds = glyph.getBounds2D();
    double scale = fill * size / Math.max(bounds.getWidth(), bounds.getHeight());
    AffineTransform transform = new AffineTransform();
    transform.translate(size / 2.0 + shiftX * (size - bounds.getWidth() * scale) / 2,
        size / 2.0 + shiftY * (size - bounds.getHeight() * scale) / 2);
    transform.scale(scale, scale);
    transform.translate(-bounds.getCenterX(), -bounds.getCenterY());
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setColor(Color.WHITE);
    g.fill(transform.createTransformedShape(glyph));
    g.dispose();
    float[] grey = new float[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        grey[y * size + x] = image.getRaster().getSample(x, y, 0) / 255f;
      }
    }
    return grey;
  }

  private static FontDir fonts(String debianPackage, String dir, String marker, String files) {
    return new FontDir(debianPackage, Path.of(dir), marker, files);
  }
}
