package dev.provpt.rl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each PPO setting is checked on its own, at its edges, and refused with its name. */
class PpoConfigTest {

  /** The defaults with one setting replaced. */
  private static PpoConfig with(String name, double value) {
    PpoConfig d = PpoConfig.defaults();
    return new PpoConfig(
        name.equals("hidden") ? (int) value : d.hidden(),
        name.equals("gamma") ? value : d.gamma(),
        name.equals("clip") ? value : d.clip(),
        name.equals("epochs") ? (int) value : d.epochs(),
        name.equals("valueCoefficient") ? value : d.valueCoefficient(),
        name.equals("entropyCoefficient") ? value : d.entropyCoefficient(),
        name.equals("updateEvery") ? (int) value : d.updateEvery(),
        name.equals("actorLearningRate") ? (float) value : d.actorLearningRate(),
        name.equals("criticLearningRate") ? (float) value : d.criticLearningRate());
  }

  @ParameterizedTest
  @CsvSource({"hidden, 0", "gamma, -0.01", "gamma, 1.01", "clip, 0", "clip, 1", "epochs, 0", "valueCoefficient, -0.1",
      "valueCoefficient, Infinity", "entropyCoefficient, -0.1", "entropyCoefficient, NaN", "updateEvery, 1",
      "actorLearningRate, 0", "actorLearningRate, NaN", "criticLearningRate, 0", "criticLearningRate, Infinity"})
  void refusesAnOutOfRangeSettingByName(String name, double value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(name, value));
    assertTrue(e.getMessage().startsWith("PPO " + name + " must be"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"hidden, 1", "gamma, 0", "gamma, 1", "clip, 0.01", "clip, 0.99", "epochs, 1", "valueCoefficient, 0",
      "entropyCoefficient, 0", "updateEvery, 2", "actorLearningRate, 1e-9", "criticLearningRate, 1e-9"})
  void acceptsASettingAtItsEdge(String name, double value) {
    assertDoesNotThrow(() -> with(name, value));
  }

  @Test
  void withEpochsChangesOnlyTheEpochs() {
    PpoConfig d = PpoConfig.defaults();
    PpoConfig five = d.withEpochs(5);
    assertEquals(5, five.epochs());
    assertEquals(d, five.withEpochs(d.epochs()));
  }
}
