package dev.provpt.data.suite;

import dev.provpt.data.DataException;
import dev.provpt.data.ImageSet;
import java.util.SplittableRandom;

/**
 * The specialized tasks: a natural task's images seen through another sensor. Each image of the base
 * task goes through a seeded {@link Effect}, in source order, so the splits (and test fonts) are the
 * base task's for the same seed and only the pixels change. Distances scale with the image size
 * (quoted here for 28 × 28).
 */
final class Degraded extends SuiteTask {

  /** The sensor: a grey size × size image in [0, 1] to another, drawing its parameters from {@code random}. */
  interface Effect {
    float[] apply(float[] grey, int size, SplittableRandom random);
  }

  /** Salt for the effect's stream, so it does not replay the base generator's draws of the same seed. */
  private static final long EFFECT_SALT = 0x5DEECE66DL;

  private final SuiteTask base;
  private final Effect effect;

  private Degraded(TaskInfo info, SuiteTask base, Effect effect) {
    super(info);
    this.base = base;
    this.effect = effect;
  }

  /** "digits-noise": a dim, noisy low-light sensor. */
  static Degraded noisyDigits(Digits digits) {
    return new Degraded(info("digits-noise", digits, "the digits images under low contrast and heavy sensor noise: "
        + "ink gain 0.4-0.8 over a ground of 0.05-0.25, plus Gaussian noise of sigma 0.1-0.2 per pixel, clipped "
        + "to [0, 1]"), digits, (grey, size, random) -> {
          double gain = Raster.uniform(random, 0.4, 0.8);
          double ground = Raster.uniform(random, 0.05, 0.25);
          double sigma = Raster.uniform(random, 0.1, 0.2);
          float[] out = new float[grey.length];
          for (int i = 0; i < grey.length; i++) {
            out[i] = (float) (ground + gain * grey[i] + sigma * Raster.gaussian(random));
          }
          return out;
        });
  }

  /** "digits-elastic-inverted": ink on paper, elastically warped (a scanned form rather than a tablet). */
  static Degraded elasticInvertedDigits(Digits digits) {
    return new Degraded(info("digits-elastic-inverted", digits, "the digits images warped by an elastic "
        + "distortion (Simard et al. 2003: alpha 24 px, sigma 4 px at 28x28) and inverted to dark ink "
        + "(0-0.3) on light paper (0.7-1)"), digits, (grey, size, random) -> {
          double scale = size / 28.0;
          float[] warped = Raster.elastic(grey, size, 24 * scale, 4 * scale, random);
          double paper = Raster.uniform(random, 0.7, 1);
          double ink = Raster.uniform(random, 0, 0.3);
          float[] out = new float[grey.length];
          for (int i = 0; i < grey.length; i++) {
            out[i] = (float) (paper + (ink - paper) * warped[i]);
          }
          return out;
        });
  }

  /** "letters-lowres": a defocused low-resolution camera. */
  static Degraded lowResLetters(Letters letters) {
    return new Degraded(info("letters-lowres", letters, "the letters images (same unseen test fonts) shrunk by "
        + "area averaging to 2/7 of the size (8x8 at 28x28), blurred (sigma 0.2-0.5 low-resolution pixels), "
        + "enlarged bilinearly, plus Gaussian noise of sigma 0.03"), letters, (grey, size, random) -> {
          int low = Math.max(4, (int) Math.round(size * 2 / 7.0));
          float[] small = Raster.gaussianBlur(Raster.resize(grey, size, low), low,
              Raster.uniform(random, 0.2, 0.5));
          float[] out = Raster.resize(small, low, size);
          for (int i = 0; i < out.length; i++) {
            out[i] += (float) (0.03 * Raster.gaussian(random));
          }
          return out;
        });
  }

  private static TaskInfo info(String name, SuiteTask base, String generation) {
    TaskInfo from = base.info();
    return new TaskInfo(name, TaskInfo.Group.SPECIALIZED, from.classNames(), "the " + from.name() + " task: "
        + from.source(), from.licence(), generation + "; splits as in " + from.name() + " for the same seed");
  }

  @Override
  public java.util.List<String> missingPackages() {
    return base.missingPackages();
  }

  @Override
  Source source(long seed, int size, int channels) {
    Source from;
    try {
      from = base.source(seed, size, 1);
    } catch (DataException e) {
      throw new DataException(name() + ": " + e.getMessage(), e);
    }
    ImageSet images = from.images();
    SplittableRandom random = new SplittableRandom(seed ^ EFFECT_SALT);
    byte[][] out = new byte[images.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = Raster.toBytes(effect.apply(Raster.toFloats(images.bytePixels()[i]), size, random));
    }
    return new Source(ImageSet.ofBytes(name(), size, size, 1, out, images.labels(), images.numClasses(),
        images.classNames()), from.trainValPool(), from.testPool());
  }
}
