package dev.provpt.data.suite;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** "orientation" (structured, dSprites-orientation style): one elongated object; the label is its angle in 8 bins. */
final class Orientation extends Structured {

  static final int BINS = 8;

  Orientation() {
    super("orientation", binNames(), "one bar or ellipse (half-length 0.22-0.32 x size, width/length 0.15-0.3) "
        + "centred within [0.4, 0.6] x size; label = its axis angle, anticlockwise from horizontal, in "
        + BINS + " bins of 22.5 degrees over [0, 180) (angle uniform within the bin)");
  }

  @Override
  void draw(int label, SplittableRandom random, Canvas canvas) {
    int size = canvas.size;
    double angle = inBin(label, BINS, 0, Math.PI, random);
    Canvas.Kind kind = random.nextBoolean() ? Canvas.Kind.BAR : Canvas.Kind.ELLIPSE;
    double x = Raster.uniform(random, 0.4, 0.6) * size;
    double y = Raster.uniform(random, 0.4, 0.6) * size;
    double halfLength = Raster.uniform(random, 0.22, 0.32) * size;
    double aspect = Raster.uniform(random, 0.15, 0.3);
    // y points down in the image, so an anticlockwise angle is a negative rotation of the u axis
    canvas.draw(new Canvas.Sprite(kind, x, y, halfLength, -angle, aspect), canvas.randomColour(random));
  }

  private static List<String> binNames() {
    return IntStream.range(0, BINS).mapToObj(b -> fmt(b * 180.0 / BINS) + "-" + fmt((b + 1) * 180.0 / BINS) + "deg")
        .toList();
  }

  private static String fmt(double degrees) {
    return degrees == Math.rint(degrees) ? Integer.toString((int) degrees) : Double.toString(degrees);
  }
}
