package dev.provpt.data;

import java.util.Arrays;
import java.util.List;

/** Per-channel {@code (x - mean) / std}, as the backbone's pre-training expects its inputs. */
public record Normalization(float[] mean, float[] std) {

    public static final List<String> SPECS = List.of("fashion-mnist", "fractal-glyphs", "imagenet", "inception", "none");

    public Normalization {
        mean = mean.clone();
        std = std.clone();
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalization needs one mean and one std per channel, got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException("normalization std of channel " + c + " must be > 0, got " + std[c]);
            }
        }
    }

    /** The named statistics for images with {@code channels} channels; a 1-channel spec is repeated. */
    public static Normalization of(String spec, int channels) {
        float[][] meanAndStd = switch (spec) {
            case "fashion-mnist" -> new float[][] {{0.2860f}, {0.3530f}};
            // measured on the fractal-glyphs recipe's 67,500 training images (models/recipes/fractal-glyphs-vit8.conf)
            case "fractal-glyphs" -> new float[][] {{0.1623f}, {0.3203f}};
            case "imagenet" -> new float[][] {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
            case "inception" -> new float[][] {{0.5f}, {0.5f}};
            case "none" -> new float[][] {{0f}, {1f}};
            default -> throw new IllegalArgumentException(
                    "unknown normalization '" + spec + "', expected one of " + SPECS);
        };
        return new Normalization(fit(meanAndStd[0], channels, spec), fit(meanAndStd[1], channels, spec));
    }

    public int channels() {
        return mean.length;
    }

    /** Normalises {@code count} floats of NHWC data in place, starting at {@code offset}. */
    public void apply(float[] nhwc, int offset, int count, int channels) {
        if (channels != mean.length) {
            throw new IllegalArgumentException("normalization is for " + mean.length + " channels, got " + channels);
        }
        if (count % channels != 0 || offset < 0 || count < 0 || offset + count > nhwc.length) {
            throw new IllegalArgumentException("cannot normalise " + count + " floats at offset " + offset + " of "
                    + nhwc.length + ", expected a whole number of " + channels + "-channel pixels inside the array");
        }
        for (int i = 0; i < count; i++) {
            int c = i % channels;
            nhwc[offset + i] = (nhwc[offset + i] - mean[c]) / std[c];
        }
    }

    private static float[] fit(float[] values, int channels, String spec) {
        if (values.length == channels) {
            return values;
        }
        if (values.length == 1 && channels > 0) {
            float[] repeated = new float[channels];
            Arrays.fill(repeated, values[0]);
            return repeated;
        }
        throw new IllegalArgumentException("normalization '" + spec + "' has " + values.length
                + " channels, cannot apply it to " + channels + "-channel images");
    }
}
