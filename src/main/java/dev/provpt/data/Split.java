package dev.provpt.data;

/** The three sets of one experiment: train and val drawn disjointly from a pool, and the test set. */
public record Split(ImageSet train, ImageSet val, ImageSet test) {
}
