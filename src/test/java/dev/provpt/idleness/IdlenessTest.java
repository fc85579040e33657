package dev.provpt.idleness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdlenessTest {

  /** Equal highest scores: the first prompt is pruned, so a run prunes the same prompt every time. */
  @Test
  void aTieIsPrunedAtTheFirstPrompt() {
    Idleness idleness = new Idleness(new float[] {0.1f, 0.4f, 0.4f}, new int[] {0, 1, 1}, 2);
    assertEquals(1, idleness.mostIdlePrompt());
    assertEquals(Optional.of(1), idleness.taylorPrune());
  }

  @Test
  void aMeasurementNeedsOneScorePerPromptFromEveryEstimator() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Measurement(
        Map.of(Estimator.INPUT_GATE, new float[3], Estimator.ATTENTION_GATE, new float[4])));
    assertTrue(e.getMessage().contains("one score per prompt"), e.getMessage());
  }
}
