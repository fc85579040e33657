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

  /**
   * What the tuning graph computes for an estimator (model.PromptedGraph builds each kind; a new kind is a
   * constant here and a case there).
   */
  public enum Signal {
    /** The gradient of the prompt's row in the pool dotted with the row: no op beyond the pool's own gradient. */
    PROMPT_ROW,
    /** The gradient of a gate held at 1 on the prompt's normalised token in its block's first LayerNorm. */
    TOKEN_GATE,
    /** The gradient of log a_j, a gate held at 0 on the prompt's attention key in every head. */
    KEY_GATE,
    /** The loss with the prompt's attention key gated to 0: one forward pass per prompt, no gradient. */
    REMOVAL
  }

  /** What the graph computes for this estimator. */
  public Signal signal() {
    return switch (this) {
      case INPUT_GATE -> Signal.PROMPT_ROW;
      case SCALED_INPUT_GATE -> Signal.TOKEN_GATE;
      case ATTENTION_GATE -> Signal.KEY_GATE;
      case LEAVE_ONE_OUT -> Signal.REMOVAL;
    };
  }

  /**
   * Whether only a separate scoring pass can measure it; the others are measured by every training step that
   * asks for them (online scoring) as well.
   */
  public boolean needsScoringPass() {
    return switch (signal()) {
      case PROMPT_ROW, TOKEN_GATE, KEY_GATE -> false;
      case REMOVAL -> true;
    };
  }

  /** The estimators a training step can measure, in declaration order. */
  public static List<Estimator> perStep() {
    return Arrays.stream(values()).filter(e -> !e.needsScoringPass()).toList();
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
