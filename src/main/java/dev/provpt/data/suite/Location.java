package dev.provpt.data.suite;

import java.util.SplittableRandom;

/** "location-x" (structured, dSprites-loc style): one object; the label is its centre's x position in 8 bins. */
final class Location extends Structured {

  static final int BINS = 8;

  Location() {
    super("location-x", numbered("x", BINS), "one object of radius 0.09-0.16 x size; label = the bin of its centre's "
        + "x over [0.2, 0.8] x size in " + BINS + " equal bins, x1 leftmost (x uniform within the bin); "
        + "y uniform over [0.2, 0.8] x size");
  }

  @Override
  void draw(int label, SplittableRandom random, Canvas canvas) {
    int size = canvas.size;
    double x = inBin(label, BINS, 0.2 * size, 0.8 * size, random);
    double y = Raster.uniform(random, 0.2, 0.8) * size;
    double radius = Raster.uniform(random, 0.09, 0.16) * size;
    canvas.draw(Canvas.Sprite.randomObject(random, x, y, radius), canvas.randomColour(random));
  }
}
