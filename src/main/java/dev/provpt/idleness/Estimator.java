package dev.provpt.idleness;

import java.util.Arrays;
import java.util.List;

/**
 * How a prompt's idleness — the loss change if it were removed, L(with) − L(without) — is
 * estimated (docs/IDLENESS.md derives each one). Positive means removing the prompt should lower
 * the loss: the prompt is idle.
 */
public enum Estimator {
  /**
   * [PRO-VPT]'s and [PRO-VPT-code]'s score (Eq. 6): d/da L(a·p) at a = 1, a gate on the raw prompt before
   * the block's LayerNorm. LayerNorm ignores the prompt's scale, so this is the removal effect
   * shrunk by about eps / (var(p) + eps): tiny for ordinary prompts, large for relocated ones.
   */
  INPUT_GATE("input-gate"),
  /**
   * The input gate divided by each prompt's own eps / (var(p) + eps): the gradient of a gate on
   * the normalised token (LayerNorm's output before its affine part), computed as such in the
   * graph so that no cancellation-prone division happens.
   */
  SCALED_INPUT_GATE("scaled-input-gate"),
  /**
   * d/da L at a = 1 for a gate on the prompt's key in every head's softmax,
   * a_j·exp(s_ij) / Σ_k a_k·exp(s_ik): at a = 0 the prompt is removed exactly.
   */
  ATTENTION_GATE("attention-gate"),
  /** The exact removal effect on a fixed scoring subset: one forward pass per prompt. */
  LEAVE_ONE_OUT("leave-one-out");

  /** The name in provpt.pro-vpt.idleness. */
  public final String key;

  Estimator(String key) {
    this.key = key;
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(e -> e.key).toList();
  }

  public static Estimator of(String key) {
    return Arrays.stream(values()).filter(e -> e.key.equals(key)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no idleness estimator " + key + "; expected one of " + keys()));
  }

  @Override
  public String toString() {
    return key;
  }
}
