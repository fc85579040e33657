package dev.provpt.actors;

import dev.provpt.idleness.Measurement;

/**
 * The coordinator's own state after a completed epoch: what its checkpoint holds besides the
 * tuner's and the allocator's state, and what the run's summary is made from.
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
}
