package dev.provpt.data;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * "shapes10": a procedurally drawn 10-class downstream task of 28x28 grayscale images in [0,1].
 *
 * <p>Pure arithmetic with StrictMath and SplittableRandom (no java.awt), so a seed gives bit-identical
 * images on any JVM. Each shape is tested analytically at 4x4 points per pixel for antialiasing. The
 * classes come in confusable groups: circle/ring/crescent, square/outline, plus/x-cross, triangle/star.
 */
public final class Shapes {

    public static final String NAME = "shapes10";
    public static final int SIZE = 28;

    private static final int SUPERSAMPLING = 4;
    /** Small tilts only, so a plus never becomes an x-cross and the bars stay horizontal. */
    private static final double MAX_ROTATION = StrictMath.toRadians(15);

    /** Inner points on the edge midpoints (apothem = half the circumradius) make a plain triangle. */
    private static final double[][] TRIANGLE_VERTICES = starVertices(3, 0.95, 0.95 * 0.5);
    private static final double[][] STAR_VERTICES = starVertices(5, 0.95, 0.38);

    /** Per-image shape parameters, in the shape's own frame where every shape fits inside the unit disc. */
    private record Style(double stroke, double variant) {
    }

    /** The classes, in label order. (u, v) is the shape's frame: v points down, the radius is 1. */
    private enum Kind {
        CIRCLE("circle") {
            boolean contains(double u, double v, Style style) {
                return u * u + v * v <= 0.81;
            }
        },
        RING("ring") {
            boolean contains(double u, double v, Style style) {
                double r2 = u * u + v * v;
                double inner = 0.9 - style.stroke();
                return r2 <= 0.81 && r2 >= inner * inner;
            }
        },
        SQUARE("square") {
            boolean contains(double u, double v, Style style) {
                return Math.max(Math.abs(u), Math.abs(v)) <= 0.68;
            }
        },
        SQUARE_OUTLINE("square outline") {
            boolean contains(double u, double v, Style style) {
                double chebyshev = Math.max(Math.abs(u), Math.abs(v));
                return chebyshev <= 0.68 && chebyshev >= 0.68 - style.stroke();
            }
        },
        TRIANGLE("triangle") {
            boolean contains(double u, double v, Style style) {
                return insidePolygon(TRIANGLE_VERTICES, u, v);
            }
        },
        PLUS("plus") {
            boolean contains(double u, double v, Style style) {
                return insideCross(u, v, style);
            }
        },
        X_CROSS("x-cross") {
            boolean contains(double u, double v, Style style) {
                double diagonal = StrictMath.sqrt(0.5);
                return insideCross((u + v) * diagonal, (u - v) * diagonal, style);
            }
        },
        BARS("horizontal bars") {
            boolean contains(double u, double v, Style style) {
                int bars = style.variant() < 0.5 ? 2 : 3;
                double spacing = bars == 2 ? 0.8 : 0.58;
                double halfHeight = 0.05 + style.stroke() / 2;
                for (int bar = 0; bar < bars; bar++) {
                    double centre = (bar - (bars - 1) / 2.0) * spacing;
                    if (Math.abs(v - centre) <= halfHeight) {
                        return Math.abs(u) <= 0.62;
                    }
                }
                return false;
            }
        },
        STAR("star") {
            boolean contains(double u, double v, Style style) {
                return insidePolygon(STAR_VERTICES, u, v);
            }
        },
        CRESCENT("crescent") {
            boolean contains(double u, double v, Style style) {
                double bite = 0.25 + 0.2 * style.variant(); // how far the cut-out disc sits to the right
                return u * u + v * v <= 0.81 && (u - bite) * (u - bite) + v * v > 0.64;
            }
        };

        final String className;

        Kind(String className) {
            this.className = className;
        }

        abstract boolean contains(double u, double v, Style style);
    }

    private static final Kind[] KINDS = Kind.values();

    public static final List<String> CLASS_NAMES = Arrays.stream(KINDS).map(kind -> kind.className).toList();

    private Shapes() {
    }

    /** perClass images of each class, shuffled; the same seed always gives the same images. */
    public static ImageSet generate(long seed, int perClass, String name) {
        if (perClass < 0) {
            throw new IllegalArgumentException("perClass must be >= 0, got " + perClass);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int count = perClass * KINDS.length;
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % KINDS.length;
        }
        Shuffling.shuffle(labels, random);
        float[] pixels = new float[count * SIZE * SIZE];
        for (int i = 0; i < count; i++) {
            drawImage(KINDS[labels[i]], random, pixels, i * SIZE * SIZE);
        }
        return new ImageSet(name, SIZE, SIZE, 1, pixels, labels, KINDS.length, CLASS_NAMES);
    }

    private static void drawImage(Kind kind, SplittableRandom random, float[] dst, int offset) {
        double radius = uniform(random, 0.35, 0.8) * SIZE / 2;
        double margin = radius + 1;
        double centreX = uniform(random, margin, SIZE - margin);
        double centreY = uniform(random, margin, SIZE - margin);
        double angle = uniform(random, -MAX_ROTATION, MAX_ROTATION);
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        // at least 1.2 pixels wide, so outlines survive the smallest sizes
        Style style = new Style(Math.max(uniform(random, 0.15, 0.3), 1.2 / radius), random.nextDouble());
        float intensity = (float) uniform(random, 0.6, 1.0);
        float[] background = background(random);

        double step = 1.0 / SUPERSAMPLING;
        int samples = SUPERSAMPLING * SUPERSAMPLING;
        for (int py = 0; py < SIZE; py++) {
            for (int px = 0; px < SIZE; px++) {
                int hits = 0;
                for (int sy = 0; sy < SUPERSAMPLING; sy++) {
                    double dy = (py + (sy + 0.5) * step - centreY) / radius;
                    for (int sx = 0; sx < SUPERSAMPLING; sx++) {
                        double dx = (px + (sx + 0.5) * step - centreX) / radius;
                        double u = cos * dx + sin * dy;
                        double v = -sin * dx + cos * dy;
                        if (u * u + v * v <= 1 && kind.contains(u, v, style)) {
                            hits++;
                        }
                    }
                }
                float coverage = hits / (float) samples;
                float backdrop = background[py * SIZE + px];
                float value = backdrop + (intensity - backdrop) * coverage;
                dst[offset + py * SIZE + px] = Math.min(1f, Math.max(0f, value));
            }
        }
    }

    /** A low-contrast backdrop of at most 0.15: a linear gradient in a random direction, or uniform noise. */
    private static float[] background(SplittableRandom random) {
        float[] backdrop = new float[SIZE * SIZE];
        if (random.nextBoolean()) {
            double base = uniform(random, 0, 0.05);
            double amplitude = uniform(random, 0.02, 0.10);
            double direction = uniform(random, 0, 2 * Math.PI);
            double cos = StrictMath.cos(direction);
            double sin = StrictMath.sin(direction);
            double span = SIZE * StrictMath.sqrt(2); // the canvas diagonal bounds any projection
            for (int py = 0; py < SIZE; py++) {
                for (int px = 0; px < SIZE; px++) {
                    double along = ((px + 0.5 - SIZE / 2.0) * cos + (py + 0.5 - SIZE / 2.0) * sin) / span;
                    backdrop[py * SIZE + px] = (float) (base + amplitude * (0.5 + along));
                }
            }
        } else {
            double amplitude = uniform(random, 0.02, 0.15);
            for (int i = 0; i < backdrop.length; i++) {
                backdrop[i] = (float) (amplitude * random.nextDouble());
            }
        }
        return backdrop;
    }

    private static double uniform(SplittableRandom random, double low, double high) {
        return low + (high - low) * random.nextDouble();
    }

    private static boolean insideCross(double u, double v, Style style) {
        double halfWidth = 0.05 + style.stroke() / 2;
        return (Math.abs(u) <= halfWidth && Math.abs(v) <= 0.9) || (Math.abs(v) <= halfWidth && Math.abs(u) <= 0.9);
    }

    /** Vertices {xs, ys} alternating between the outer and inner radius, the first pointing straight up. */
    private static double[][] starVertices(int points, double outer, double inner) {
        double[] xs = new double[2 * points];
        double[] ys = new double[2 * points];
        for (int k = 0; k < 2 * points; k++) {
            double angle = -Math.PI / 2 + k * Math.PI / points;
            double r = k % 2 == 0 ? outer : inner;
            xs[k] = r * StrictMath.cos(angle);
            ys[k] = r * StrictMath.sin(angle);
        }
        return new double[][] {xs, ys};
    }

    /** Crossing-number test: a ray to the right crosses the boundary an odd number of times. */
    private static boolean insidePolygon(double[][] polygon, double u, double v) {
        double[] xs = polygon[0];
        double[] ys = polygon[1];
        boolean inside = false;
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            if ((ys[i] > v) != (ys[j] > v)
                    && u < (xs[j] - xs[i]) * (v - ys[i]) / (ys[j] - ys[i]) + xs[i]) {
                inside = !inside;
            }
        }
        return inside;
    }
}
