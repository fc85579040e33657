package dev.provpt.data;

import java.util.List;
import java.util.Objects;

/**
 * Labelled images in memory, one label per image, in one of two forms: {@code pixels}, one NHWC
 * float array with values in [0,1] (generated and IDX data), or {@code bytePixels}, one 8-bit HWC
 * array per image holding value × 255 (decoded image files). The 8-bit form is a quarter of the
 * size and needs no single array of all images, which Java caps at 2^31 elements: a VTAB or FGVC
 * test set of 26,000 images at 224×224×3 is 3.9 GB as bytes, 15.7 GB as floats. Exactly one of
 * the two is non-null; read images with {@link #copyImage}.
 *
 * <p>Immutable by contract: the arrays are shared, not copied (Fashion-MNIST train is 188 MB of
 * floats), so nobody may write into them.
 */
public record ImageSet(String name, int height, int width, int channels, float[] pixels, byte[][] bytePixels,
                       int[] labels, int numClasses, List<String> classNames) {

    /** A float-backed set. */
    public ImageSet(String name, int height, int width, int channels, float[] pixels, int[] labels,
                    int numClasses, List<String> classNames) {
        this(name, height, width, channels, Objects.requireNonNull(pixels, () -> name + ": pixels"), null,
                labels, numClasses, classNames);
    }

    /** An 8-bit set: {@code images[i]} holds image i, HWC, as unsigned bytes (value × 255). */
    public static ImageSet ofBytes(String name, int height, int width, int channels, byte[][] images, int[] labels,
                                   int numClasses, List<String> classNames) {
        return new ImageSet(name, height, width, channels, null, Objects.requireNonNull(images, () -> name + ": images"),
                labels, numClasses, classNames);
    }

    public ImageSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labels, () -> name + ": labels");
        Objects.requireNonNull(classNames, () -> name + ": classNames");
        if ((pixels == null) == (bytePixels == null)) {
            throw new IllegalArgumentException(name + ": give either float pixels or 8-bit images, not "
                    + (pixels == null ? "neither" : "both"));
        }
        if (height <= 0 || width <= 0 || channels <= 0) {
            throw new DataException(name + ": image shape must be positive, got "
                    + height + "x" + width + "x" + channels);
        }
        classNames = List.copyOf(classNames);
        if (numClasses <= 0 || classNames.size() != numClasses) {
            throw new DataException(name + ": numClasses is " + numClasses + " but " + classNames.size()
                    + " class names were given, expected one name per class");
        }
        long imageValues = (long) height * width * channels;
        if (pixels != null && pixels.length != labels.length * imageValues) {
            throw new DataException(name + ": pixels holds " + pixels.length + " values, expected "
                    + labels.length * imageValues + " (" + labels.length + " images of " + height + "x" + width + "x" + channels + ")");
        }
        if (bytePixels != null) {
            if (bytePixels.length != labels.length) {
                throw new DataException(name + ": " + bytePixels.length + " images but " + labels.length + " labels");
            }
            for (int i = 0; i < bytePixels.length; i++) {
                if (bytePixels[i] == null || bytePixels[i].length != imageValues) {
                    throw new DataException(name + ": image " + i + " holds "
                            + (bytePixels[i] == null ? "nothing" : bytePixels[i].length + " values")
                            + ", expected " + imageValues + " (" + height + "x" + width + "x" + channels + ")");
                }
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new DataException(name + ": label " + labels[i] + " at index " + i
                        + " is out of range, expected 0.." + (numClasses - 1));
            }
        }
    }

    public int size() {
        return labels.length;
    }

    /** Floats per image: height * width * channels. */
    public int imageSize() {
        return height * width * channels;
    }

    /** Number of images of each class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** A new set holding the images at {@code indices}, in that order (repeats allowed). */
    public ImageSet subset(int[] indices, String subsetName) {
        int imageSize = imageSize();
        int[] subsetLabels = new int[indices.length];
        float[] subsetPixels = pixels == null ? null : new float[indices.length * imageSize];
        byte[][] subsetBytes = bytePixels == null ? null : new byte[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            int index = indices[i];
            if (index < 0 || index >= size()) {
                throw new DataException(name + ": subset index " + index + " at position " + i
                        + " is out of range, expected 0.." + (size() - 1));
            }
            if (pixels != null) {
                System.arraycopy(pixels, index * imageSize, subsetPixels, i * imageSize, imageSize);
            } else {
                subsetBytes[i] = bytePixels[index]; // shared: images are immutable
            }
            subsetLabels[i] = labels[index];
        }
        return new ImageSet(subsetName, height, width, channels, subsetPixels, subsetBytes, subsetLabels, numClasses,
                classNames);
    }

    /** This set's images followed by {@code other}'s; both must share image shape, classes and form. */
    public ImageSet concat(ImageSet other, String concatName) {
        requireCompatible(other);
        int[] joinedLabels = new int[labels.length + other.labels.length];
        System.arraycopy(labels, 0, joinedLabels, 0, labels.length);
        System.arraycopy(other.labels, 0, joinedLabels, labels.length, other.labels.length);
        if (pixels != null && other.pixels != null) {
            float[] joinedPixels = new float[pixels.length + other.pixels.length];
            System.arraycopy(pixels, 0, joinedPixels, 0, pixels.length);
            System.arraycopy(other.pixels, 0, joinedPixels, pixels.length, other.pixels.length);
            return new ImageSet(concatName, height, width, channels, joinedPixels, joinedLabels, numClasses, classNames);
        }
        if (bytePixels != null && other.bytePixels != null) {
            byte[][] joined = new byte[bytePixels.length + other.bytePixels.length][];
            System.arraycopy(bytePixels, 0, joined, 0, bytePixels.length);
            System.arraycopy(other.bytePixels, 0, joined, bytePixels.length, other.bytePixels.length);
            return ofBytes(concatName, height, width, channels, joined, joinedLabels, numClasses, classNames);
        }
        throw new DataException(other.name + ": cannot join float images with 8-bit ones (" + name + ")");
    }

    /** Copies image {@code index} (imageSize() floats in [0,1], HWC) into {@code dst} at {@code dstOffset}. */
    public void copyImage(int index, float[] dst, int dstOffset) {
        if (index < 0 || index >= size()) {
            throw new DataException(name + ": image index " + index + " is out of range, expected 0.." + (size() - 1));
        }
        if (pixels != null) {
            System.arraycopy(pixels, index * imageSize(), dst, dstOffset, imageSize());
        } else {
            byte[] image = bytePixels[index];
            for (int i = 0; i < image.length; i++) {
                dst[dstOffset + i] = (image[i] & 0xff) / 255f;
            }
        }
    }

    /** Throws unless {@code other} has the same image shape and the same classes as this set. */
    public void requireCompatible(ImageSet other) {
        if (other.height != height || other.width != width || other.channels != channels) {
            throw new DataException(other.name + ": images are " + other.height + "x" + other.width + "x"
                    + other.channels + ", expected " + height + "x" + width + "x" + channels + " like " + name);
        }
        if (!other.classNames.equals(classNames)) {
            throw new DataException(other.name + ": classes are " + other.classNames
                    + ", expected " + classNames + " like " + name);
        }
    }

    @Override
    public String toString() {
        return "ImageSet[" + name + ": " + size() + " images of " + height + "x" + width + "x" + channels
                + ", " + numClasses + " classes]";
    }
}
