package dev.provpt.data.suite;

import java.util.SplittableRandom;

/**
 * The structured tasks' drawing surface: size × size × channels floats in [0, 1] (HWC) over a dim,
 * low-contrast backdrop, onto which {@link Sprite}s are composited with 4 × 4 supersampled coverage.
 * Pure arithmetic (StrictMath, SplittableRandom) like {@code Shapes}: a seed gives the same bytes anywhere.
 */
final class Canvas {

  private static final int SUPERSAMPLING = 4;

  /** The object kinds; each fits inside the unit disc of its own (u, v) frame, v pointing down. */
  enum Kind {
    DISC, SQUARE, TRIANGLE,
    /** A rectangle 2 long and 2 × aspect wide, along u. */
    BAR,
    /** An ellipse with semi-axes 1 (along u) and aspect. */
    ELLIPSE;

    static final Kind[] OBJECTS = {DISC, SQUARE, TRIANGLE};
  }

  /** One object: its kind, centre and radius in pixels, rotation (radians, u axis = (cos, sin)), aspect for bars. */
  record Sprite(Kind kind, double centreX, double centreY, double radius, double angle, double aspect) {

    /** A disc, square or triangle in a random rotation, the object identity the structured labels ignore. */
    static Sprite randomObject(SplittableRandom random, double centreX, double centreY, double radius) {
      Kind kind = Kind.OBJECTS[random.nextInt(Kind.OBJECTS.length)];
      return new Sprite(kind, centreX, centreY, radius, Raster.uniform(random, 0, 2 * Math.PI), 1);
    }

    boolean contains(double x, double y) {
      double dx = (x - centreX) / radius;
      double dy = (y - centreY) / radius;
      double cos = StrictMath.cos(angle);
      double sin = StrictMath.sin(angle);
      double u = cos * dx + sin * dy;
      double v = -sin * dx + cos * dy;
      return switch (kind) {
        case DISC -> u * u + v * v <= 1;
        case SQUARE -> Math.max(Math.abs(u), Math.abs(v)) <= 0.75;
        // equilateral, circumradius 1, pointing to -v: below the apex, above the base, inside both sides
        case TRIANGLE -> v <= 0.5 && StrictMath.sqrt(3) * Math.abs(u) <= v + 1;
        case BAR -> Math.abs(u) <= 1 && Math.abs(v) <= aspect;
        case ELLIPSE -> u * u + (v / aspect) * (v / aspect) <= 1;
      };
    }
  }

  final int size;
  final int channels;
  private final float[] pixels;

  /** A new canvas with a random backdrop of at most 0.15 (a gradient or uniform noise, grey in every channel). */
  Canvas(int size, int channels, SplittableRandom random) {
    this.size = size;
    this.channels = channels;
    this.pixels = new float[size * size * channels];
    double base = Raster.uniform(random, 0, 0.05);
    double amplitude = Raster.uniform(random, 0.02, 0.10);
    boolean gradient = random.nextBoolean();
    double direction = Raster.uniform(random, 0, 2 * Math.PI);
    double cos = StrictMath.cos(direction);
    double sin = StrictMath.sin(direction);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double value = gradient
            ? base + amplitude * (0.5 + ((x + 0.5 - size / 2.0) * cos + (y + 0.5 - size / 2.0) * sin)
                / (size * StrictMath.sqrt(2)))
            : base + amplitude * random.nextDouble();
        for (int c = 0; c < channels; c++) {
          pixels[(y * size + x) * channels + c] = (float) value;
        }
      }
    }
  }

  /** A bright random colour: an intensity in [0.55, 1] for grey, a random hue whose brightest channel is that for RGB. */
  float[] randomColour(SplittableRandom random) {
    double bright = Raster.uniform(random, 0.55, 1);
    float[] colour = new float[channels];
    if (channels == 1) {
      colour[0] = (float) bright;
      return colour;
    }
    double max = 0;
    double[] raw = new double[channels];
    for (int c = 0; c < channels; c++) {
      raw[c] = random.nextDouble();
      max = Math.max(max, raw[c]);
    }
    for (int c = 0; c < channels; c++) {
      colour[c] = (float) (bright * raw[c] / max);
    }
    return colour;
  }

  /** Composites {@code sprite} in {@code colour}, weighting by the fraction of 4 × 4 sample points it covers. */
  void draw(Sprite sprite, float[] colour) {
    double reach = sprite.radius() * 1.1;
    int x0 = Math.max(0, (int) Math.floor(sprite.centreX() - reach));
    int x1 = Math.min(size - 1, (int) Math.ceil(sprite.centreX() + reach));
    int y0 = Math.max(0, (int) Math.floor(sprite.centreY() - reach));
    int y1 = Math.min(size - 1, (int) Math.ceil(sprite.centreY() + reach));
    double step = 1.0 / SUPERSAMPLING;
    for (int py = y0; py <= y1; py++) {
      for (int px = x0; px <= x1; px++) {
        int hits = 0;
        for (int sy = 0; sy < SUPERSAMPLING; sy++) {
          for (int sx = 0; sx < SUPERSAMPLING; sx++) {
            hits += sprite.contains(px + (sx + 0.5) * step, py + (sy + 0.5) * step) ? 1 : 0;
          }
        }
        float coverage = hits / (float) (SUPERSAMPLING * SUPERSAMPLING);
        for (int c = 0; c < channels; c++) {
          int i = (py * size + px) * channels + c;
          pixels[i] += (colour[c] - pixels[i]) * coverage;
        }
      }
    }
  }

  byte[] toBytes() {
    return Raster.toBytes(pixels);
  }
}
