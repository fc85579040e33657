package dev.provpt.model;

import java.util.Arrays;
import java.util.List;

/** The GELU a backbone computes. The two differ by ~5e-4 in a ViT's features: enough to fail a parity check. */
public enum Gelu {
  /** {@code x·Φ(x)} with erf, as timm and our pre-training compute it. */
  EXACT("exact"),
  /** {@code 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))}, the JAX release's {@code nn.gelu}. */
  TANH("tanh");

  /** The name in model.conf, the pre-training config and {@code import-vit --gelu}. */
  public final String key;

  Gelu(String key) {
    this.key = key;
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(g -> g.key).toList();
  }

  public static Gelu of(String key) {
    return Arrays.stream(values()).filter(g -> g.key.equals(key)).findFirst().orElseThrow(
        () -> new IllegalArgumentException("gelu must be exact or tanh, got " + key));
  }

  /** The key, so that a {@link VitConfig} prints as it did when gelu was a string. */
  @Override
  public String toString() {
    return key;
  }
}
