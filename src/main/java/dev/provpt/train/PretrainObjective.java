package dev.provpt.train;

/**
 * What pre-training minimises. {@code masked-image}: SimMIM's objective, the mean absolute error of a linear
 * decoder's reconstruction of the masked patches' (normalised) pixels from their output tokens, with no labels;
 * {@code both}: that plus the upstream head's cross-entropy on the [CLS] token of the same masked pass.
 */
public enum PretrainObjective {
  SUPERVISED("supervised"), MASKED_IMAGE("masked-image"), BOTH("both");

  public final String key;

  PretrainObjective(String key) {
    this.key = key;
  }
}
