package dev.provpt.data.pretrain;

import java.util.SplittableRandom;

/**
 * Formula-driven fractals in the manner of [FractalDB]: each class is an
 * iterated function system (IFS) drawn from a seed, each image an instance of it drawn by the
 * chaos game. A class has 2-8 affine maps {@code (x, y) -> (a x + b y + e, c x + d y + f)} with the
 * six parameters uniform in [-1, 1], picked with probability proportional to {@code |ad - bc|}; it is
 * kept only when its attractor, framed to fill the image, covers at least {@link #MIN_FILL} of the
 * pixels (FractalDB's filling-rate check, adapted to small images), otherwise redrawn.
 *
 * <p>An instance varies the class as FractalDB does: one map's parameters are scaled by a factor in
 * [0.8, 1.2], the picture is mirrored with probability 1/2, and the point cloud is framed to fill
 * 70-95% of the image with a random shift in the free margin. Points are splatted bilinearly and the
 * density shown as grey: sqrt(density / mean density of the lit pixels), clipped to 1. Pure
 * arithmetic with SplittableRandom (no transcendental functions), so a seed gives the same bytes on any JVM.
 */
public final class Fractals {

  public static final int MIN_MAPS = 2;
  public static final int MAX_MAPS = 8;
  /** Fewest lit pixels (share of the image) a class's attractor must cover at the image size. */
  public static final double MIN_FILL = 0.15;
  /** Chaos-game points per image, and the first points dropped (before they reach the attractor). */
  public static final int POINTS = 4000;
  public static final int SKIP = 20;
  /** Points of the fill-rate check, from a fixed stream so the check depends on the system only. */
  private static final int FILL_POINTS = 20_000;
  private static final double INSTANCE_FACTOR = 0.2;
  private static final double MIN_FRAME = 0.7;
  private static final double MAX_FRAME = 0.95;
  private static final double SHIFT = 0.8;
  /** Attempts per class before giving up (a seed that cannot find a fractal is a bug, not bad luck). */
  private static final int MAX_DRAWS = 100_000;

  private Fractals() {
  }

  /** An IFS: {@code maps[i]} = {a, b, c, d, e, f}, picked with probability |det| / total. */
  public record Ifs(double[][] maps) {
    public Ifs {
      if (maps.length < 1) {
        throw new IllegalArgumentException("an IFS needs at least one map");
      }
      double[][] copy = new double[maps.length][];
      for (int i = 0; i < maps.length; i++) {
        if (maps[i].length != 6) {
          throw new IllegalArgumentException("map " + i + " has " + maps[i].length + " parameters, expected 6");
        }
        copy[i] = maps[i].clone();
      }
      maps = copy;
    }

    @Override
    public double[][] maps() {
      double[][] copy = new double[maps.length][];
      for (int i = 0; i < maps.length; i++) {
        copy[i] = maps[i].clone();
      }
      return copy;
    }

    /** Cumulative pick weights |ad - bc|; null when every map is singular. */
    double[] cumulative() {
      double[] c = new double[maps.length];
      double total = 0;
      for (int i = 0; i < maps.length; i++) {
        total += Math.abs(maps[i][0] * maps[i][3] - maps[i][1] * maps[i][2]);
        c[i] = total;
      }
      return total > 0 && Double.isFinite(total) ? c : null;
    }
  }

  /** {@code count} systems drawn from {@code seed}, each redrawn until it passes {@link #accepted}. */
  public static Ifs[] classes(long seed, int count, int size) {
    SplittableRandom random = new SplittableRandom(seed);
    Ifs[] systems = new Ifs[count];
    for (int c = 0; c < count; c++) {
      for (int draws = 0; systems[c] == null; draws++) {
        if (draws == MAX_DRAWS) {
          throw new IllegalStateException("no fractal passed the fill check in " + MAX_DRAWS + " draws");
        }
        Ifs candidate = draw(random);
        if (accepted(candidate, size)) {
          systems[c] = candidate;
        }
      }
    }
    return systems;
  }

  /** One random system: 2-8 maps, parameters uniform in [-1, 1]. */
  static Ifs draw(SplittableRandom random) {
    int n = MIN_MAPS + random.nextInt(MAX_MAPS - MIN_MAPS + 1);
    double[][] maps = new double[n][6];
    for (double[] map : maps) {
      for (int p = 0; p < 6; p++) {
        map[p] = random.nextDouble(-1, 1);
      }
    }
    return new Ifs(maps);
  }

  /** Whether {@code system} makes a usable class: a bounded, non-degenerate attractor covering at least MIN_FILL. */
  public static boolean accepted(Ifs system, int size) {
    return fillRate(system, size) >= MIN_FILL;
  }

  /**
   * The share of pixels the attractor lights when framed (aspect kept) to fill a size × size image;
   * 0 when the chaos game diverges or collapses to a point.
   */
  public static double fillRate(Ifs system, int size) {
    double[] xy = chaosGame(system.maps, FILL_POINTS, SKIP, new SplittableRandom(0));
    if (xy == null) {
      return 0;
    }
    double[] frame = frame(xy, size, 1.0, 0, 0, false);
    if (frame == null) {
      return 0;
    }
    boolean[] lit = new boolean[size * size];
    int count = 0;
    for (int i = 0; i < xy.length; i += 2) {
      int px = Math.min(size - 1, Math.max(0, (int) Math.floor(frame[0] + xy[i] * frame[2])));
      int py = Math.min(size - 1, Math.max(0, (int) Math.floor(frame[1] + xy[i + 1] * frame[2])));
      if (!lit[py * size + px]) {
        lit[py * size + px] = true;
        count++;
      }
    }
    return count / (double) (size * size);
  }

  /** One instance of {@code system}: size × size grey bytes, drawn from {@code random}. */
  public static byte[] instance(Ifs system, int size, SplittableRandom random) {
    double[][] maps = system.maps();
    int k = random.nextInt(maps.length);
    double[] original = maps[k].clone();
    double[] xy = null;
    for (int attempt = 0; attempt < 10 && xy == null; attempt++) {
      double factor = random.nextDouble(1 - INSTANCE_FACTOR, 1 + INSTANCE_FACTOR);
      for (int p = 0; p < 6; p++) {
        maps[k][p] = original[p] * factor;
      }
      xy = chaosGame(maps, POINTS, SKIP, random);
    }
    if (xy == null) { // every scaled variant diverged: the class itself is bounded
      maps[k] = original;
      xy = chaosGame(maps, POINTS, SKIP, random);
    }
    boolean mirror = random.nextBoolean();
    double fill = random.nextDouble(MIN_FRAME, MAX_FRAME);
    double shiftX = random.nextDouble(-SHIFT, SHIFT);
    double shiftY = random.nextDouble(-SHIFT, SHIFT);
    double[] frame = xy == null ? null : frame(xy, size, fill, shiftX, shiftY, mirror);
    byte[] image = new byte[size * size];
    if (frame == null) {
      return image;
    }
    double[] density = new double[size * size];
    for (int i = 0; i < xy.length; i += 2) {
      double x = frame[0] + (mirror ? -xy[i] : xy[i]) * frame[2] - 0.5; // pixel centres at integer + 0.5
      double y = frame[1] + xy[i + 1] * frame[2] - 0.5;
      int x0 = (int) Math.floor(x);
      int y0 = (int) Math.floor(y);
      double tx = x - x0;
      double ty = y - y0;
      splat(density, size, x0, y0, (1 - tx) * (1 - ty));
      splat(density, size, x0 + 1, y0, tx * (1 - ty));
      splat(density, size, x0, y0 + 1, (1 - tx) * ty);
      splat(density, size, x0 + 1, y0 + 1, tx * ty);
    }
    double sum = 0;
    int lit = 0;
    for (double d : density) {
      if (d > 0) {
        sum += d;
        lit++;
      }
    }
    double reference = sum / Math.max(1, lit);
    for (int i = 0; i < image.length; i++) {
      double v = Math.min(1, StrictMath.sqrt(density[i] / reference));
      image[i] = (byte) (int) Math.round(v * 255);
    }
    return image;
  }

  private static void splat(double[] density, int size, int x, int y, double weight) {
    if (x >= 0 && y >= 0 && x < size && y < size) {
      density[y * size + x] += weight;
    }
  }

  /**
   * {@code count} points (x, y interleaved) of the chaos game from the origin, the first {@code skip}
   * dropped; null when the points leave every bound (the system diverges) or no map can be picked.
   */
  static double[] chaosGame(double[][] maps, int count, int skip, SplittableRandom random) {
    double[] cumulative = new Ifs(maps).cumulative();
    if (cumulative == null) {
      return null;
    }
    double total = cumulative[cumulative.length - 1];
    double[] xy = new double[2 * count];
    double x = 0;
    double y = 0;
    for (int i = -skip; i < count; i++) {
      double u = random.nextDouble() * total;
      int m = 0;
      while (m < cumulative.length - 1 && u >= cumulative[m]) {
        m++;
      }
      double[] t = maps[m];
      double nx = t[0] * x + t[1] * y + t[4];
      double ny = t[2] * x + t[3] * y + t[5];
      x = nx;
      y = ny;
      if (!(Math.abs(x) < 1e6 && Math.abs(y) < 1e6)) {
        return null;
      }
      if (i >= 0) {
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
      }
    }
    return xy;
  }

  /**
   * {offsetX, offsetY, scale} mapping points into the image: the bounding box's longer side scaled to
   * fill × size, the box centred and then moved by shift × the free margin; null for a degenerate box.
   */
  private static double[] frame(double[] xy, int size, double fill, double shiftX, double shiftY, boolean mirror) {
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < xy.length; i += 2) {
      double x = mirror ? -xy[i] : xy[i];
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, xy[i + 1]);
      maxY = Math.max(maxY, xy[i + 1]);
    }
    double w = maxX - minX;
    double h = maxY - minY;
    double extent = Math.max(w, h);
    if (!(extent > 1e-9)) {
      return null;
    }
    double scale = fill * size / extent;
    // a point p lands at offset + p * scale (after the mirror), so the box centre lands at the shifted centre
    double centreX = size / 2.0 + shiftX * (size - w * scale) / 2;
    double centreY = size / 2.0 + shiftY * (size - h * scale) / 2;
    double offsetX = centreX - (minX + maxX) / 2 * scale;
    double offsetY = centreY - (minY + maxY) / 2 * scale;
    return new double[] {offsetX, offsetY, scale};
  }
}
