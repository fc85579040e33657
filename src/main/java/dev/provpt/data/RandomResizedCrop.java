package dev.provpt.data;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomResizedCrop} with its defaults (scale (0.08, 1), ratio (3/4, 4/3), 10 attempts,
 * then a central crop), resized bilinearly back to the image size, optionally mirrored left-right.
 */
final class RandomResizedCrop {

    static final double MIN_SCALE = 0.08;
    static final double MAX_SCALE = 1.0;
    static final double MIN_RATIO = 3.0 / 4.0;
    static final double MAX_RATIO = 4.0 / 3.0;
    static final int ATTEMPTS = 10;

    /** A crop of {@code height} rows and {@code width} columns whose top-left pixel is (top, left). */
    record Box(int top, int left, int height, int width) {

        static Box whole(int height, int width) {
            return new Box(0, 0, height, width);
        }
    }

    private RandomResizedCrop() {
    }

    /** torchvision's {@code RandomResizedCrop.get_params}: a box of random area and aspect ratio inside the image. */
    static Box draw(int height, int width, SplittableRandom random) {
        double area = (double) height * width;
        double logMinRatio = Math.log(MIN_RATIO);
        double logMaxRatio = Math.log(MAX_RATIO);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * random.nextDouble(MIN_SCALE, MAX_SCALE);
            double aspectRatio = Math.exp(random.nextDouble(logMinRatio, logMaxRatio));
            // Math.rint rounds half to even, as Python's round() does
            int w = (int) Math.rint(Math.sqrt(targetArea * aspectRatio));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspectRatio));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                return new Box(top, left, h, w);
            }
        }
        return centralCrop(height, width);
    }

    /** The fallback after {@link #ATTEMPTS} misses: the largest central box whose ratio is within bounds. */
    static Box centralCrop(int height, int width) {
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < MIN_RATIO) {
            h = (int) Math.rint(w / MIN_RATIO);
        } else if (inRatio > MAX_RATIO) {
            w = (int) Math.rint(h * MAX_RATIO);
        }
        return new Box((height - h) / 2, (width - w) / 2, h, w);
    }

    /**
     * Writes {@code box} of the HWC image at {@code source[sourceOffset]}, resized to height x width (bilinear,
     * half-pixel centres as torch's {@code align_corners=False}) and mirrored if {@code flip}, to
     * {@code target[targetOffset]}. Source and target must not overlap.
     */
    static void cropResizeFlip(float[] source, int sourceOffset, int height, int width, int channels, Box box,
                               boolean flip, float[] target, int targetOffset) {
        if (box.top() < 0 || box.left() < 0 || box.height() <= 0 || box.width() <= 0
                || box.top() + box.height() > height || box.left() + box.width() > width) {
            throw new IllegalArgumentException("crop " + box + " is not inside the " + height + "x" + width + " image");
        }
        // the box is never larger than the image, so this only upsamples, where antialiased
        // (torchvision on tensors) and plain bilinear interpolation agree
        Axis rows = Axis.of(box.top(), box.height(), height);
        Axis columns = Axis.of(box.left(), box.width(), width);
        int rowStride = width * channels;
        for (int y = 0; y < height; y++) {
            int row0 = sourceOffset + rows.low[y] * rowStride;
            int row1 = sourceOffset + rows.high[y] * rowStride;
            float dy = rows.fraction[y];
            for (int x = 0; x < width; x++) {
                int sourceX = flip ? width - 1 - x : x;
                int column0 = columns.low[sourceX] * channels;
                int column1 = columns.high[sourceX] * channels;
                float dx = columns.fraction[sourceX];
                int out = targetOffset + y * rowStride + x * channels;
                for (int c = 0; c < channels; c++) {
                    float topLeft = source[row0 + column0 + c];
                    float bottomLeft = source[row1 + column0 + c];
                    // a + t * (b - a): exact when b == a, so a constant image and a whole-image crop are unchanged
                    float top = topLeft + dx * (source[row0 + column1 + c] - topLeft);
                    float bottom = bottomLeft + dx * (source[row1 + column1 + c] - bottomLeft);
                    target[out + c] = top + dy * (bottom - top);
                }
            }
        }
    }

    /** For every output coordinate: the two source pixels to blend (absolute in the image) and the weight of the second. */
    private record Axis(int[] low, int[] high, float[] fraction) {

        static Axis of(int start, int cropSize, int outputSize) {
            int[] low = new int[outputSize];
            int[] high = new int[outputSize];
            float[] fraction = new float[outputSize];
            double scale = (double) cropSize / outputSize;
            for (int i = 0; i < outputSize; i++) {
                double sourceIndex = Math.max((i + 0.5) * scale - 0.5, 0);
                int lowIndex = Math.min((int) sourceIndex, cropSize - 1);
                low[i] = start + lowIndex;
                high[i] = start + Math.min(lowIndex + 1, cropSize - 1);
                fraction[i] = (float) (sourceIndex - lowIndex);
            }
            return new Axis(low, high, fraction);
        }
    }
}
