package dev.provpt.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * One epoch over an ImageSet in batches (the last may be smaller), in order or shuffled. A shuffled
 * epoch's order, and its augmentation, depend only on (seed, epoch), so epoch e is reproducible without
 * replaying earlier ones.
 */
public final class BatchIterator implements Iterator<Batch> {

    private final ImageSet set;
    private final int batchSize;
    private final Normalization normalization;
    private final int[] order;
    private final Augmentation augmentation;
    private final long seed;
    private final int epoch;
    private int next;

    private BatchIterator(ImageSet set, int batchSize, Normalization normalization, int[] order,
                          Augmentation augmentation, long seed, int epoch) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
        }
        if (normalization.channels() != set.channels()) {
            throw new IllegalArgumentException("normalization is for " + normalization.channels()
                    + " channels, but " + set.name() + " has " + set.channels());
        }
        this.set = set;
        this.batchSize = batchSize;
        this.normalization = normalization;
        this.order = order;
        this.augmentation = augmentation;
        this.seed = seed;
        this.epoch = epoch;
    }

    /** The images in their stored order, e.g. for evaluation. */
    public static BatchIterator sequential(ImageSet set, int batchSize, Normalization normalization) {
        int[] order = new int[set.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return new BatchIterator(set, batchSize, normalization, order, Augmentation.NONE, 0, 0);
    }

    /** The images in the order {@link #epochOrder} gives for (seed, epoch). */
    public static BatchIterator shuffled(ImageSet set, int batchSize, Normalization normalization, long seed, int epoch) {
        return shuffled(set, batchSize, normalization, seed, epoch, Augmentation.NONE);
    }

    /** As above, each image augmented as (seed, epoch, its index in {@code set}) decide, before normalisation. */
    public static BatchIterator shuffled(ImageSet set, int batchSize, Normalization normalization, long seed, int epoch,
                                         Augmentation augmentation) {
        return new BatchIterator(set, batchSize, normalization, epochOrder(set.size(), seed, epoch),
                augmentation, seed, epoch);
    }

    /** A permutation of 0..n-1 that depends only on (seed, epoch). */
    public static int[] epochOrder(int n, long seed, int epoch) {
        return Shuffling.permutation(n, new SplittableRandom(seed * 1_000_003 + epoch));
    }

    public static int batchesPerEpoch(int n, int batchSize) {
        if (n < 0 || batchSize <= 0) {
            throw new IllegalArgumentException("need n >= 0 and batchSize > 0, got n " + n + ", batchSize " + batchSize);
        }
        return (n + batchSize - 1) / batchSize;
    }

    @Override
    public boolean hasNext() {
        return next < order.length;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch over " + set.name() + " is finished after " + order.length + " images");
        }
        int size = Math.min(batchSize, order.length - next);
        int imageSize = set.imageSize();
        float[] images = new float[size * imageSize];
        int[] labels = new int[size];
        int[] indices = new int[size];
        for (int i = 0; i < size; i++) {
            int index = order[next + i];
            set.copyImage(index, images, i * imageSize);
            labels[i] = set.labels()[index];
            indices[i] = index;
        }
        augmentation.apply(images, indices, set, seed, epoch);
        normalization.apply(images, 0, images.length, set.channels());
        next += size;
        return new Batch(images, labels, indices, size);
    }
}
