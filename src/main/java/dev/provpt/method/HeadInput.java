package dev.provpt.method;

/** What a method's linear classifier head reads. */
public enum HeadInput {
  /** The frozen backbone's final-LayerNorm [CLS] token, {@code width} values. */
  BACKBONE,
  /** The normalised image itself, flattened: {@code size × size × channels} values; the backbone does not run. */
  PIXELS
}
