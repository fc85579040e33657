package dev.provpt.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded, stratified train/val draws from a pool (the VTAB-1k protocol: 800 train + 200 val). */
public final class Splits {

    public static final int ONE_K_TRAIN = 800;
    public static final int ONE_K_VAL = 200;

    /** Pool indices of a draw, each array sorted ascending. */
    public record Indices(int[] train, int[] val) {
    }

    private Splits() {
    }

    /** 800 train + 200 val images from the pool, stratified by class; the test set is passed through. */
    public static Split oneK(ImageSet pool, ImageSet test, long seed) {
        return stratified(pool, ONE_K_TRAIN, ONE_K_VAL, test, seed);
    }

    public static Split stratified(ImageSet pool, int trainSize, int valSize, ImageSet test, long seed) {
        pool.requireCompatible(test);
        Indices indices = stratifiedIndices(pool, trainSize, valSize, seed);
        return new Split(
                pool.subset(indices.train(), pool.name() + "/train" + trainSize),
                pool.subset(indices.val(), pool.name() + "/val" + valSize),
                test);
    }

    /**
     * Disjoint train and val indices with per-class counts as equal as the pool allows; a remainder that
     * does not divide evenly goes one image each to the lowest labels. Same seed, same indices.
     */
    public static Indices stratifiedIndices(ImageSet pool, int trainSize, int valSize, long seed) {
        if (trainSize < 0 || valSize < 0) {
            throw new IllegalArgumentException("split sizes must be >= 0, got train " + trainSize + ", val " + valSize);
        }
        if ((long) trainSize + valSize > pool.size()) {
            throw new DataException(pool.name() + ": pool has " + pool.size() + " images, expected at least "
                    + (trainSize + valSize) + " (" + trainSize + " train + " + valSize + " val)");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[][] byClass = indicesByClass(pool);
        int[] available = new int[byClass.length];
        for (int c = 0; c < byClass.length; c++) {
            Shuffling.shuffle(byClass[c], random);
            available[c] = byClass[c].length;
        }
        int[] trainQuota = balancedQuotas(available, trainSize);
        int[] left = new int[byClass.length];
        for (int c = 0; c < byClass.length; c++) {
            left[c] = available[c] - trainQuota[c];
        }
        int[] valQuota = balancedQuotas(left, valSize);

        int[] train = new int[trainSize];
        int[] val = new int[valSize];
        int trainFilled = 0;
        int valFilled = 0;
        for (int c = 0; c < byClass.length; c++) {
            System.arraycopy(byClass[c], 0, train, trainFilled, trainQuota[c]);
            System.arraycopy(byClass[c], trainQuota[c], val, valFilled, valQuota[c]);
            trainFilled += trainQuota[c];
            valFilled += valQuota[c];
        }
        Arrays.sort(train);
        Arrays.sort(val);
        return new Indices(train, val);
    }

    /**
     * A seeded, stratified fraction of the pool set aside: of each class, round({@code fraction} × its
     * images), at least one where the class has two or more, at most all but one. Returns the rest as
     * {@code train} and the set-aside images as {@code val}, each sorted. Same seed, same indices.
     */
    public static Indices perClassFraction(ImageSet pool, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1), got " + fraction);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[][] byClass = indicesByClass(pool);
        int[] rest = new int[pool.size()];
        int[] aside = new int[pool.size()];
        int restFilled = 0;
        int asideFilled = 0;
        for (int c = 0; c < byClass.length; c++) {
            int n = byClass[c].length;
            if (n < 2) {
                throw new DataException(pool.name() + ": class " + pool.classNames().get(c) + " has " + n
                        + " image" + (n == 1 ? "" : "s") + ", expected at least 2 to hold some out");
            }
            Shuffling.shuffle(byClass[c], random);
            int take = (int) Math.max(1, Math.min(n - 1, Math.round(fraction * n)));
            System.arraycopy(byClass[c], 0, aside, asideFilled, take);
            System.arraycopy(byClass[c], take, rest, restFilled, n - take);
            asideFilled += take;
            restFilled += n - take;
        }
        int[] train = Arrays.copyOf(rest, restFilled);
        int[] val = Arrays.copyOf(aside, asideFilled);
        Arrays.sort(train);
        Arrays.sort(val);
        return new Indices(train, val);
    }

    /**
     * Per-class counts summing to {@code total}, none above {@code available}, as equal as possible:
     * water-filling, with leftovers handed out one each to the lowest labels that still have images.
     */
    static int[] balancedQuotas(int[] available, int total) {
        int[] quota = new int[available.length];
        int remaining = total;
        while (remaining > 0) {
            int open = 0;
            for (int c = 0; c < available.length; c++) {
                if (quota[c] < available[c]) {
                    open++;
                }
            }
            if (open == 0) {
                throw new IllegalStateException("cannot place " + remaining + " more images, every class is used up");
            }
            int share = Math.max(1, remaining / open);
            for (int c = 0; c < available.length && remaining > 0; c++) {
                int take = Math.min(share, Math.min(available[c] - quota[c], remaining));
                quota[c] += take;
                remaining -= take;
            }
        }
        return quota;
    }

    /** For each label, the pool indices holding it, ascending. */
    private static int[][] indicesByClass(ImageSet pool) {
        int[] counts = pool.classCounts();
        int[][] byClass = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] filled = new int[counts.length];
        int[] labels = pool.labels();
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][filled[labels[i]]++] = i;
        }
        return byClass;
    }
}
