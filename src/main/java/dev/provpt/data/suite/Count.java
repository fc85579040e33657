package dev.provpt.data.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** "count" (structured, Clevr-count style): 1 to 8 separated objects; the label is how many. */
final class Count extends Structured {

  static final int MAX = 8;

  Count() {
    super("count", numbered("", MAX), "1 to " + MAX + " objects of radius 0.06-0.09 x size, centres within "
        + "[0.1, 0.9] x size, at least 0.04 x size apart edge to edge (placed by rejection sampling); "
        + "label = the number of objects");
  }

  @Override
  void draw(int label, SplittableRandom random, Canvas canvas) {
    int size = canvas.size;
    List<Canvas.Sprite> placed = new ArrayList<>();
    while (placed.size() < label + 1) {
      double radius = Raster.uniform(random, 0.06, 0.09) * size;
      Canvas.Sprite candidate = null;
      for (int attempt = 0; attempt < 200 && candidate == null; attempt++) {
        double x = Raster.uniform(random, 0.1, 0.9) * size;
        double y = Raster.uniform(random, 0.1, 0.9) * size;
        if (placed.stream().allMatch(s -> Math.hypot(s.centreX() - x, s.centreY() - y)
            >= 1.1 * (s.radius() + radius) + 0.04 * size)) {
          candidate = Canvas.Sprite.randomObject(random, x, y, radius);
        }
      }
      if (candidate == null) {
        placed.clear(); // crowded into a corner: start the scene over
      } else {
        placed.add(candidate);
      }
    }
    for (Canvas.Sprite sprite : placed) {
      canvas.draw(sprite, canvas.randomColour(random));
    }
  }
}
