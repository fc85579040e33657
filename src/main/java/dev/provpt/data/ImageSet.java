package dev.provpt.data;

import java.util.List;
import java.util.Objects;

/**
 * Labelled images in memory: one NHWC float array with values in [0,1], one label per image.
 *
 * <p>Immutable by contract: the arrays are shared, not copied (Fashion-MNIST train is 188 MB of
 * floats), so nobody may write into {@code pixels()} or {@code labels()}.
 */
public record ImageSet(String name, int height, int width, int channels, float[] pixels, int[] labels,
                       int numClasses, List<String> classNames) {

    public ImageSet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pixels, () -> name + ": pixels");
        Objects.requireNonNull(labels, () -> name + ": labels");
        Objects.requireNonNull(classNames, () -> name + ": classNames");
        if (height <= 0 || width <= 0 || channels <= 0) {
            throw new DataException(name + ": image shape must be positive, got "
                    + height + "x" + width + "x" + channels);
        }
        classNames = List.copyOf(classNames);
        if (numClasses <= 0 || classNames.size() != numClasses) {
            throw new DataException(name + ": numClasses is " + numClasses + " but " + classNames.size()
                    + " class names were given, expected one name per class");
        }
        long expectedValues = (long) labels.length * height * width * channels;
        if (pixels.length != expectedValues) {
            throw new DataException(name + ": pixels holds " + pixels.length + " values, expected "
                    + expectedValues + " (" + labels.length + " images of " + height + "x" + width + "x" + channels + ")");
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

    /** A new set holding copies of the images at {@code indices}, in that order (repeats allowed). */
    public ImageSet subset(int[] indices, String subsetName) {
        int imageSize = imageSize();
        float[] subsetPixels = new float[indices.length * imageSize];
        int[] subsetLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int index = indices[i];
            if (index < 0 || index >= size()) {
                throw new DataException(name + ": subset index " + index + " at position " + i
                        + " is out of range, expected 0.." + (size() - 1));
            }
            System.arraycopy(pixels, index * imageSize, subsetPixels, i * imageSize, imageSize);
            subsetLabels[i] = labels[index];
        }
        return new ImageSet(subsetName, height, width, channels, subsetPixels, subsetLabels, numClasses, classNames);
    }

    /** This set's images followed by {@code other}'s; both must share image shape and classes. */
    public ImageSet concat(ImageSet other, String concatName) {
        requireCompatible(other);
        float[] joinedPixels = new float[pixels.length + other.pixels.length];
        System.arraycopy(pixels, 0, joinedPixels, 0, pixels.length);
        System.arraycopy(other.pixels, 0, joinedPixels, pixels.length, other.pixels.length);
        int[] joinedLabels = new int[labels.length + other.labels.length];
        System.arraycopy(labels, 0, joinedLabels, 0, labels.length);
        System.arraycopy(other.labels, 0, joinedLabels, labels.length, other.labels.length);
        return new ImageSet(concatName, height, width, channels, joinedPixels, joinedLabels, numClasses, classNames);
    }

    /** Copies image {@code index} (imageSize() floats, HWC) into {@code dst} at {@code dstOffset}. */
    public void copyImage(int index, float[] dst, int dstOffset) {
        if (index < 0 || index >= size()) {
            throw new DataException(name + ": image index " + index + " is out of range, expected 0.." + (size() - 1));
        }
        System.arraycopy(pixels, index * imageSize(), dst, dstOffset, imageSize());
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
