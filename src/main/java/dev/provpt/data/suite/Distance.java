package dev.provpt.data.suite;

import java.util.SplittableRandom;

/** "distance" (structured, Clevr-distance style): two objects; the label is the distance between their centres in 6 bins. */
final class Distance extends Structured {

  static final int BINS = 6;

  Distance() {
    super("distance", numbered("d", BINS), "two objects of radius 0.06-0.1 x size, centres within [0.12, 0.88] x size; "
        + "label = the bin of the distance between centres over [0.25, 0.75] x size in " + BINS + " equal bins, "
        + "d1 nearest (distance uniform within the bin, direction uniform, positions by rejection sampling)");
  }

  @Override
  void draw(int label, SplittableRandom random, Canvas canvas) {
    int size = canvas.size;
    double distance = inBin(label, BINS, 0.25 * size, 0.75 * size, random);
    double low = 0.12 * size;
    double high = 0.88 * size;
    double x1;
    double y1;
    double x2;
    double y2;
    do {
      double direction = Raster.uniform(random, 0, 2 * Math.PI);
      x1 = Raster.uniform(random, low, high);
      y1 = Raster.uniform(random, low, high);
      x2 = x1 + distance * StrictMath.cos(direction);
      y2 = y1 + distance * StrictMath.sin(direction);
    } while (x2 < low || x2 > high || y2 < low || y2 > high);
    canvas.draw(Canvas.Sprite.randomObject(random, x1, y1, Raster.uniform(random, 0.06, 0.1) * size),
        canvas.randomColour(random));
    canvas.draw(Canvas.Sprite.randomObject(random, x2, y2, Raster.uniform(random, 0.06, 0.1) * size),
        canvas.randomColour(random));
  }
}
