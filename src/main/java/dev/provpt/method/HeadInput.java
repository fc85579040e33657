package dev.provpt.method;

/** What a method's linear classifier head reads. */
public enum HeadInput {
  /** The frozen backbone's final-LayerNorm [CLS] token, {@code width} values. */
  BACKBONE,
  /** The normalised image itself, flattened: {@code size × size × channels} values; the backbone does not run. */
  PIXELS;

  /** Whether the frozen backbone runs (and its weights are held) for this input. */
  public boolean runsBackbone() {
    return switch (this) {
      case BACKBONE -> true;
      case PIXELS -> false;
    };
  }
}
