package dev.provpt.data;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training-time augmentation of a batch's [0,1] pixels, before normalisation. What happens to an image depends
 * only on (seed, epoch, image index), so a resumed run and a re-run see exactly the same batches.
 */
public enum Augmentation {
    /** The images as stored. */
    NONE("none"),
    /**
     * The FGVC recipe of VPT and the PEFT literature: torchvision's RandomResizedCrop with its defaults, resized
     * back to the image size, then a horizontal flip with probability 0.5.
     */
    FGVC("fgvc");

    /** The name in provpt.data.augmentation. */
    public final String key;

    // any fixed constant: keeps these streams apart from the shuffling and dropout streams of the same seed
    private static final long STREAM = 0x6A09E667F3BCC909L;

    Augmentation(String key) {
        this.key = key;
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(a -> a.key).toList();
    }

    public static Augmentation of(String key) {
        return Arrays.stream(values()).filter(a -> a.key.equals(key)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("unknown augmentation '" + key + "', expected one of " + keys()));
    }

    /**
     * Augments in place the {@code indices.length} images in {@code images} (NHWC, shaped like {@code source}'s);
     * {@code indices} are their positions in {@code source}, which with (seed, epoch) choose each image's transform.
     */
    public void apply(float[] images, int[] indices, ImageSet source, long seed, int epoch) {
        int imageSize = source.imageSize();
        if (images.length != (long) indices.length * imageSize) {
            throw new IllegalArgumentException("augmenting " + indices.length + " images of " + source.name()
                    + " needs " + (long) indices.length * imageSize + " floats, got " + images.length);
        }
        if (this == NONE) {
            return;
        }
        float[] original = new float[imageSize];
        for (int i = 0; i < indices.length; i++) {
            SplittableRandom random = randomFor(seed, epoch, indices[i]);
            RandomResizedCrop.Box box = RandomResizedCrop.draw(source.height(), source.width(), random);
            boolean flip = random.nextDouble() < 0.5;
            System.arraycopy(images, i * imageSize, original, 0, imageSize);
            RandomResizedCrop.cropResizeFlip(original, 0, source.height(), source.width(), source.channels(), box,
                    flip, images, i * imageSize);
        }
    }

    /** The random stream of one image in one epoch: independent of the batch it lands in and of earlier epochs. */
    static SplittableRandom randomFor(long seed, int epoch, int index) {
        // each step is a bijection followed by SplittableRandom's mixer, so neighbouring (epoch, index)
        // pairs get unrelated streams
        long mixed = new SplittableRandom(seed ^ STREAM).nextLong();
        mixed = new SplittableRandom(mixed + epoch).nextLong();
        mixed = new SplittableRandom(mixed + index).nextLong();
        return new SplittableRandom(mixed);
    }
}
