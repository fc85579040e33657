package dev.provpt.data.pretrain;

import dev.provpt.data.ImageSet;
import dev.provpt.data.suite.LetterFonts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The "fractal-glyphs" pre-training data: {@link Fractals} classes, then (optionally) glyph classes
 * ({@link Glyphs}, the 35 "core" characters, or {@link GlyphBank}, every usable character of the pool
 * fonts), with {@code imagesPerClass} training and {@code testImagesPerClass} held-out instances of
 * each, optionally through {@link Augmentation}. Every image has its own random stream, derived from
 * the instance seed, the split (and, for training, the epoch), the class and the index, so the images
 * are generated on all cores and the same spec gives the same bytes (fractals on any JVM; glyphs,
 * drawn by Java2D, on one JDK). {@link Generator#train(int)} gives every epoch fresh instances;
 * epoch 0 is the set {@link #generate} returns.
 */
public final class FractalGlyphs {

  /** What to generate. */
  public record Spec(int fractalClasses, long fractalSeed, GlyphSet glyphSet, int imagesPerClass,
                     int testImagesPerClass, long seed, long suiteSeed, boolean augment) {
    /** The first recipe's spec: the core glyphs or none, no augmentation. */
    public Spec(int fractalClasses, long fractalSeed, boolean glyphs, int imagesPerClass, int testImagesPerClass,
                long seed, long suiteSeed) {
      this(fractalClasses, fractalSeed, glyphs ? GlyphSet.CORE : GlyphSet.NONE, imagesPerClass, testImagesPerClass,
          seed, suiteSeed, false);
    }

    public boolean glyphs() {
      return glyphSet != GlyphSet.NONE;
    }

    public Spec {
      java.util.Objects.requireNonNull(glyphSet, "glyphSet");
      if (fractalClasses < 0 || imagesPerClass < 1 || testImagesPerClass < 1) {
        throw new IllegalArgumentException("need fractal-classes >= 0 and at least one train and one test image "
            + "per class, got " + fractalClasses + ", " + imagesPerClass + ", " + testImagesPerClass);
      }
      if (fractalClasses == 0 && glyphSet == GlyphSet.NONE) {
        throw new IllegalArgumentException("fractal-classes is 0 and glyphs is off: no classes");
      }
    }
  }

  /** Which glyph classes follow the fractals. */
  public enum GlyphSet {
    NONE("none"), CORE("core"), BANK("bank");

    public final String key;

    GlyphSet(String key) {
      this.key = key;
    }

    public static GlyphSet of(String key) {
      for (GlyphSet g : values()) {
        if (g.key.equals(key)) {
          return g;
        }
      }
      throw new IllegalArgumentException("glyph set must be none, core or bank, got " + key);
    }
  }

  /** The training and held-out sets, and a description of what they hold (for pretrain.json). */
  public record Sets(ImageSet train, ImageSet test, Map<String, Object> description) {
  }

  private static final long TRAIN_SALT = 0x7261696eL;
  private static final long TEST_SALT = 0x74657374L;

  private FractalGlyphs() {
  }

  /**
   * The number of classes {@code spec} gives without reading fonts (the core glyphs), or -1 for the
   * glyph bank, whose classes depend on the installed fonts ({@link Generator#numClasses()}).
   */
  public static int numClasses(Spec spec) {
    return switch (spec.glyphSet()) {
      case NONE -> spec.fractalClasses();
      case CORE -> spec.fractalClasses() + Glyphs.CHARACTERS.length();
      case BANK -> -1;
    };
  }

  /** An instance of one glyph class. */
  private interface GlyphSource {
    byte[] instance(int c, int size, SplittableRandom random);
  }

  /** The classes of a spec, ready to draw any epoch's training set and the held-out set. */
  public static final class Generator {
    private final Spec spec;
    private final int size;
    private final Fractals.Ifs[] systems;
    private final GlyphSource glyphs;
    private final List<String> names = new ArrayList<>();
    private final Map<String, Object> description = new LinkedHashMap<>();

    private Generator(Spec spec, LetterFonts fonts, int size) {
      long started = System.nanoTime();
      this.spec = spec;
      this.size = size;
      systems = Fractals.classes(spec.fractalSeed(), spec.fractalClasses(), size);
      for (int c = 0; c < systems.length; c++) {
        names.add(String.format("fractal-%03d", c));
      }
      description.put("kind", "fractal-glyphs");
      description.put("fractal_classes", systems.length);
      description.put("fractal_seed", spec.fractalSeed());
      description.put("fractal_min_fill", Fractals.MIN_FILL);
      description.put("glyph_set", spec.glyphSet().key);
      switch (spec.glyphSet()) {
        case NONE -> glyphs = null;
        case CORE -> {
          Glyphs core = Glyphs.load(fonts, spec.suiteSeed());
          names.addAll(core.classNames());
          glyphs = core::instance;
          describeGlyphs(core.numClasses(), Glyphs.CHARACTERS, core.poolFonts(), core.fontsPerClass(), fonts);
        }
        case BANK -> {
          GlyphBank bank = GlyphBank.load(fonts, spec.suiteSeed());
          names.addAll(bank.classNames());
          glyphs = bank::instance;
          describeGlyphs(bank.numClasses(), bank.characters(), bank.poolFonts(), bank.fontsPerClass(), fonts);
        }
        default -> throw new IllegalStateException();
      }
      description.put("classes", names.size());
      description.put("augmentation", spec.augment() ? "stroke width, contrast, noise (Augmentation)" : "none");
      description.put("images_per_class", spec.imagesPerClass());
      description.put("test_images_per_class", spec.testImagesPerClass());
      description.put("instance_seed", spec.seed());
      description.put("image_size", size);
      description.put("font_seconds", (System.nanoTime() - started) / 1e9);
    }

    private void describeGlyphs(int classes, String characters, int poolFonts, int[] perClass, LetterFonts fonts) {
      description.put("glyph_classes", classes);
      description.put("glyph_characters", characters);
      description.put("glyph_fonts", poolFonts + " letters train/val fonts (suite seed " + spec.suiteSeed()
          + "), no letters test font; Debian packages " + fonts.debianPackages());
      description.put("glyph_fonts_per_class", perClass);
    }

    public int numClasses() {
      return names.size();
    }

    public List<String> classNames() {
      return List.copyOf(names);
    }

    /** What the data holds, for pretrain.json. */
    public Map<String, Object> description() {
      return description;
    }

    /** Epoch {@code epoch}'s training instances (fresh ones for every epoch; epoch 0 is {@link #generate}'s). */
    public ImageSet train(int epoch) {
      return set("fractal-glyphs/train", spec, systems, glyphs, names, size, spec.imagesPerClass(), TRAIN_SALT + epoch);
    }

    /** The held-out instances: another stream than any epoch's. */
    public ImageSet test() {
      return set("fractal-glyphs/test", spec, systems, glyphs, names, size, spec.testImagesPerClass(), TEST_SALT);
    }
  }

  /** Reads the fonts and draws the fractal systems {@code spec} needs. */
  public static Generator open(Spec spec, LetterFonts fonts, int size) {
    return new Generator(spec, fonts, size);
  }

  public static Sets generate(Spec spec, LetterFonts fonts, int size) {
    long started = System.nanoTime();
    Generator generator = open(spec, fonts, size);
    ImageSet train = generator.train(0);
    ImageSet test = generator.test();
    Map<String, Object> d = new LinkedHashMap<>(generator.description());
    d.put("train_images", train.size());
    d.put("test_images", test.size());
    d.put("instance_seed", spec.seed());
    d.put("image_size", size);
    d.put("generation_seconds", (System.nanoTime() - started) / 1e9);
    return new Sets(train, test, d);
  }

  private static ImageSet set(String name, Spec spec, Fractals.Ifs[] systems, GlyphSource glyphs, List<String> names,
                              int size, int perClass, long salt) {
    int classes = names.size();
    byte[][] images = new byte[classes * perClass][];
    int[] labels = new int[images.length];
    IntStream.range(0, images.length).parallel().forEach(i -> {
      int c = i / perClass;
      SplittableRandom random = new SplittableRandom(streamSeed(spec.seed(), salt, c, i % perClass));
      labels[i] = c;
      byte[] image = c < systems.length ? Fractals.instance(systems[c], size, random)
          : glyphs.instance(c - systems.length, size, random);
      images[i] = spec.augment() ? Augmentation.apply(image, size, random) : image;
    });
    return ImageSet.ofBytes(name, size, size, 1, images, labels, classes, names);
  }

  /** A seed per (instance seed, split, class, index), mixed so neighbouring images get unrelated streams. */
  static long streamSeed(long seed, long salt, int c, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + salt;
    z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L + c;
    z = (z ^ (z >>> 29)) * 0x94D049BB133111EBL + index;
    return z ^ (z >>> 32);
  }

  /** Mean and standard deviation of the pixels of {@code set}, as values in [0, 1]. */
  public static double[] meanStd(ImageSet set) {
    double sum = 0;
    double squares = 0;
    long n = 0;
    float[] image = new float[set.imageSize()];
    for (int i = 0; i < set.size(); i++) {
      set.copyImage(i, image, 0);
      for (float v : image) {
        sum += v;
        squares += (double) v * v;
      }
      n += image.length;
    }
    double mean = sum / n;
    return new double[] {mean, Math.sqrt(Math.max(0, squares / n - mean * mean))};
  }
}
