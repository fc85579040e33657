package dev.provpt.actors;

import dev.provpt.rundir.EpochRecord;
import java.util.Map;

/** The metrics of the epoch in progress, filled in phase by phase, with the phases' wall time. */
final class EpochDraft {
  private final int epoch;
  private final long started = System.nanoTime();
  private final Map<String, Double> phaseSeconds = EpochRecord.emptyPhaseSeconds();
  private long phaseStarted = System.nanoTime();
  double trainLoss;
  double trainAccuracy;
  EpochRecord.Relocation relocation;
  Double reward;
  Double ppoLoss;
  Double maxIdleness;

  EpochDraft(int epoch) {
    this.epoch = epoch;
  }

  /** Starts timing a phase. */
  void startPhase() {
    phaseStarted = System.nanoTime();
  }

  /** Adds the time since the last start (or end) to {@code phase}. */
  void endPhase(String phase) {
    phaseSeconds.merge(phase, (System.nanoTime() - phaseStarted) / 1e9, Double::sum);
    phaseStarted = System.nanoTime();
  }

  EpochRecord finish(String method, double valLoss, double valAccuracy, Double testAccuracy, int[] distribution) {
    return new EpochRecord(epoch, method, trainLoss, trainAccuracy, valLoss, valAccuracy, testAccuracy,
        distribution.clone(), relocation, reward, ppoLoss, maxIdleness, (System.nanoTime() - started) / 1e9,
        phaseSeconds);
  }
}
