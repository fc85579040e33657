package dev.provpt.data;

/**
 * One batch: {@code size} normalised NHWC images and their labels. {@code indices} says which images of
 * the source set they are. The arrays are fresh for every batch, so a batch may be handed to another thread.
 */
public record Batch(float[] images, int[] labels, int[] indices, int size) {
}
