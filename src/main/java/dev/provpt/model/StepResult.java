package dev.provpt.model;

import dev.provpt.idleness.Estimator;
import java.util.Map;

/**
 * Loss and correct count of a batch, plus each measured estimator's per-prompt idleness signal ({@code [P]}):
 * the estimators of the model's {@link ModelShape} that a step can measure; none when the model measures none.
 */
public record StepResult(float loss, int correct, Map<Estimator, float[]> signals) {

  static StepResult withoutSignals(float loss, int correct) {
    return new StepResult(loss, correct, Map.of());
  }

  /** {@code estimator}'s signal; an error naming it when this step did not measure it. */
  public float[] signal(Estimator estimator) {
    float[] s = signals.get(estimator);
    if (s == null) {
      throw new IllegalStateException(estimator.key + " idleness is not measured by this model (measured: "
          + signals.keySet() + ")");
    }
    return s;
  }
}
