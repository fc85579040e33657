package dev.provpt.data;

/**
 * The downstream task and how its images reach the model: where they come from, the sizes of the stratified
 * train/val draw, whether to train on train+val, the training augmentation and the input normalisation.
 */
public record TaskSpec(TaskSource source, int trainSize, int valSize, boolean trainOnTrainVal,
    Augmentation augmentation, NormalizationChoice normalization) {}
