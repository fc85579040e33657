package dev.provpt.actors;

import dev.provpt.idleness.Measurement;

/**
 * The coordinator's own state: what its checkpoint holds besides the tuner's and the allocator's
 * state, and what the run's summary is made from. Immutable: each phase of the cycle hands the
 * next one a new state (the methods below), and a checkpoint holds the state after its epoch.
 *
 * @param scores idleness of each prompt measured for the next epoch (null before any)
 * @param scoredAssignment the block of each prompt when the scores were measured
 * @param scoredLoss the mean training loss measured with the scores (null before any)
 * @param lossAtLastRelocation the loss the last relocation was decided at, while its reward is
 *     pending (null otherwise)
 */
public record CycleState(int epoch, int[] distribution, int relocations, double bestVal, int bestEpoch, int rewards,
    int ppoUpdates, Measurement scores, int[] scoredAssignment, Double scoredLoss, Double lossAtLastRelocation) {

  /** Before the first epoch. */
  public static CycleState start(int[] distribution) {
    return new CycleState(0, distribution.clone(), 0, -1, 0, 0, 0, null, null, null, null);
  }

  /** The next epoch begins. */
  CycleState nextEpoch() {
    return new CycleState(epoch + 1, distribution, relocations, bestVal, bestEpoch, rewards, ppoUpdates, scores,
        scoredAssignment, scoredLoss, lossAtLastRelocation);
  }

  /** Idleness measured (a scoring pass, or an epoch's tuning when scoring is online) under {@code assignment}. */
  CycleState scored(Measurement measured, int[] assignment, Double loss) {
    return new CycleState(epoch, distribution, relocations, bestVal, bestEpoch, rewards, ppoUpdates, measured,
        assignment, loss, lossAtLastRelocation);
  }

  /** The last relocation's reward is given; {@code updated}: it completed a PPO update. */
  CycleState rewarded(boolean updated) {
    return new CycleState(epoch, distribution, relocations, bestVal, bestEpoch, rewards + 1,
        ppoUpdates + (updated ? 1 : 0), scores, scoredAssignment, scoredLoss, null);
  }

  /** A prompt moved: its reward is pending, at the loss it was decided at. */
  CycleState relocated(int[] newDistribution) {
    return new CycleState(epoch, newDistribution.clone(), relocations + 1, bestVal, bestEpoch, rewards, ppoUpdates,
        scores, scoredAssignment, scoredLoss, scoredLoss);
  }

  /** An epoch's tuning ended with {@code newDistribution}, prompts at {@code assignment}. */
  CycleState tuned(int[] newDistribution, int[] assignment) {
    return new CycleState(epoch, newDistribution.clone(), relocations, bestVal, bestEpoch, rewards, ppoUpdates,
        scores, assignment, scoredLoss, lossAtLastRelocation);
  }

  /** The epoch's validation accuracy: the best so far is kept with its epoch. */
  CycleState evaluated(double valAccuracy) {
    return valAccuracy > bestVal ? new CycleState(epoch, distribution, relocations, valAccuracy, epoch, rewards,
        ppoUpdates, scores, scoredAssignment, scoredLoss, lossAtLastRelocation) : this;
  }
}
