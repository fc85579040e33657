package dev.provpt.idleness;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The idleness of every prompt as each estimator measures it, averaged over one pass's batches.
 * {@code leaveOneOut} is null unless that pass measured it (it costs one forward pass per prompt).
 */
public record Measurement(float[] inputGate, float[] scaledInputGate, float[] attentionGate, float[] leaveOneOut) {

  public Measurement {
    int n = inputGate.length;
    if (scaledInputGate.length != n || attentionGate.length != n || (leaveOneOut != null && leaveOneOut.length != n)) {
      throw new IllegalArgumentException("every estimator needs one score per prompt");
    }
  }

  /** No prompts (or nothing measured). */
  public static Measurement empty() {
    return new Measurement(new float[0], new float[0], new float[0], null);
  }

  /** Only {@code estimator}'s scores (the others zero): for tests and for callers that have one kind. */
  public static Measurement of(Estimator estimator, float[] scores) {
    float[] zeros = new float[scores.length];
    return switch (estimator) {
      case INPUT_GATE -> new Measurement(scores, zeros, zeros, null);
      case SCALED_INPUT_GATE -> new Measurement(zeros, scores, zeros, null);
      case ATTENTION_GATE -> new Measurement(zeros, zeros, scores, null);
      case LEAVE_ONE_OUT -> new Measurement(zeros, zeros, zeros, scores);
    };
  }

  /** The scores of {@code estimator}. */
  public float[] scores(Estimator estimator) {
    return switch (estimator) {
      case INPUT_GATE -> inputGate;
      case SCALED_INPUT_GATE -> scaledInputGate;
      case ATTENTION_GATE -> attentionGate;
      case LEAVE_ONE_OUT -> {
        if (leaveOneOut == null) {
          throw new IllegalStateException("leave-one-out idleness was not measured in this pass");
        }
        yield leaveOneOut;
      }
    };
  }

  @JsonIgnore
  public int promptCount() {
    return inputGate.length;
  }

  /** The same measurement with leave-one-out scores added. */
  public Measurement withLeaveOneOut(float[] scores) {
    return new Measurement(inputGate, scaledInputGate, attentionGate, scores);
  }
}
