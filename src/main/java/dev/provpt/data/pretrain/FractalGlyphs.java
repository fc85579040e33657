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
 * The "fractal-glyphs" pre-training data: {@link Fractals} classes, then (optionally) {@link Glyphs}
 * classes, with {@code imagesPerClass} training and {@code testImagesPerClass} held-out instances of
 * each. Every image has its own random stream, derived from the instance seed, the split, the class
 * and the index, so the images are generated on all cores and the same spec gives the same bytes
 * (fractals on any JVM; glyphs, drawn by Java2D, on one JDK).
 */
public final class FractalGlyphs {

  /** What to generate. */
  public record Spec(int fractalClasses, long fractalSeed, boolean glyphs, int imagesPerClass,
                     int testImagesPerClass, long seed, long suiteSeed) {
    public Spec {
      if (fractalClasses < 0 || imagesPerClass < 1 || testImagesPerClass < 1) {
        throw new IllegalArgumentException("need fractal-classes >= 0 and at least one train and one test image "
            + "per class, got " + fractalClasses + ", " + imagesPerClass + ", " + testImagesPerClass);
      }
      if (fractalClasses == 0 && !glyphs) {
        throw new IllegalArgumentException("fractal-classes is 0 and glyphs is off: no classes");
      }
    }
  }

  /** The training and held-out sets, and a description of what they hold (for pretrain.json). */
  public record Sets(ImageSet train, ImageSet test, Map<String, Object> description) {
  }

  private static final long TRAIN_SALT = 0x7261696eL;
  private static final long TEST_SALT = 0x74657374L;

  private FractalGlyphs() {
  }

  /** The number of classes {@code spec} gives (glyph classes need no fonts to count). */
  public static int numClasses(Spec spec) {
    return spec.fractalClasses() + (spec.glyphs() ? Glyphs.CHARACTERS.length() : 0);
  }

  public static Sets generate(Spec spec, LetterFonts fonts, int size) {
    long started = System.nanoTime();
    Glyphs glyphs = spec.glyphs() ? Glyphs.load(fonts, spec.suiteSeed()) : null;
    Fractals.Ifs[] systems = Fractals.classes(spec.fractalSeed(), spec.fractalClasses(), size);
    List<String> names = new ArrayList<>();
    for (int c = 0; c < systems.length; c++) {
      names.add(String.format("fractal-%03d", c));
    }
    if (glyphs != null) {
      names.addAll(glyphs.classNames());
    }
    ImageSet train = set("fractal-glyphs/train", spec, systems, glyphs, names, size, spec.imagesPerClass(), TRAIN_SALT);
    ImageSet test = set("fractal-glyphs/test", spec, systems, glyphs, names, size, spec.testImagesPerClass(), TEST_SALT);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("kind", "fractal-glyphs");
    d.put("classes", names.size());
    d.put("fractal_classes", systems.length);
    d.put("fractal_seed", spec.fractalSeed());
    d.put("fractal_min_fill", Fractals.MIN_FILL);
    d.put("glyph_classes", glyphs == null ? 0 : glyphs.numClasses());
    if (glyphs != null) {
      d.put("glyph_characters", Glyphs.CHARACTERS);
      d.put("glyph_fonts", glyphs.poolFonts() + " letters train/val fonts (suite seed " + spec.suiteSeed() + "), "
          + glyphs.testFonts() + " letters test fonts never drawn; Debian packages " + fonts.debianPackages());
      d.put("glyph_fonts_per_class", glyphs.fontsPerClass());
    }
    d.put("images_per_class", spec.imagesPerClass());
    d.put("test_images_per_class", spec.testImagesPerClass());
    d.put("train_images", train.size());
    d.put("test_images", test.size());
    d.put("instance_seed", spec.seed());
    d.put("image_size", size);
    d.put("generation_seconds", (System.nanoTime() - started) / 1e9);
    return new Sets(train, test, d);
  }

  private static ImageSet set(String name, Spec spec, Fractals.Ifs[] systems, Glyphs glyphs, List<String> names,
                              int size, int perClass, long salt) {
    int classes = names.size();
    byte[][] images = new byte[classes * perClass][];
    int[] labels = new int[images.length];
    IntStream.range(0, images.length).parallel().forEach(i -> {
      int c = i / perClass;
      SplittableRandom random = new SplittableRandom(streamSeed(spec.seed(), salt, c, i % perClass));
      labels[i] = c;
      images[i] = c < systems.length ? Fractals.instance(systems[c], size, random)
          : glyphs.instance(c - systems.length, size, random);
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
