package dev.provpt.idleness;

import dev.provpt.stats.ZScores;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Idleness scores of one epoch and what follows from them ([PRO-VPT] Eq. 6 and §3.3): block sums,
 * the prune decision and the allocator's state vector.
 *
 * <p>A prompt's score is the first-order Taylor estimate of L(with it) − L(without it): the
 * row dot product of its gradient with its value, averaged over the epoch's batches. Positive
 * means removing the prompt should lower the loss: it is idle.
 */
public record Idleness(float[] scores, int[] assignment, int depth) {

  public Idleness {
    if (scores.length != assignment.length) {
      throw new IllegalArgumentException(scores.length + " scores for " + assignment.length + " prompts");
    }
  }

  /** Sum of the scores of the prompts living in each block. */
  public double[] blockSums() {
    double[] sums = new double[depth];
    for (int j = 0; j < scores.length; j++) {
      sums[assignment[j]] += scores[j];
    }
    return sums;
  }

  public int mostIdlePrompt() {
    int best = 0;
    for (int j = 1; j < scores.length; j++) {
      if (scores[j] > scores[best]) {
        best = j;
      }
    }
    return best;
  }

  public double maxScore() {
    return scores.length == 0 ? 0 : scores[mostIdlePrompt()];
  }

  /** Taylor pruning: the most idle prompt, only when its score is positive. */
  public Optional<Integer> taylorPrune() {
    return maxScore() > 0 ? Optional.of(mostIdlePrompt()) : Optional.empty();
  }

  /** Random pruning ([PRO-VPT] Tab. 3's Prn1): any prompt, uniformly. */
  public Optional<Integer> randomPrune(SplittableRandom random) {
    return scores.length == 0 ? Optional.empty() : Optional.of(random.nextInt(scores.length));
  }

  /**
   * The allocator's state, dimension 3L: z-normalised block idleness sums, the prompt
   * distribution after removing {@code prunedPrompt} divided by its sum, one-hot source block.
   */
  public float[] allocatorState(int prunedPrompt) {
    double[] z = ZScores.of(blockSums(), 1e-8);
    float[] state = new float[3 * depth];
    for (int b = 0; b < depth; b++) {
      state[b] = (float) z[b];
    }
    int remaining = assignment.length - 1;
    for (int j = 0; j < assignment.length; j++) {
      if (j != prunedPrompt) {
        state[depth + assignment[j]] += remaining > 0 ? 1f / remaining : 0f;
      }
    }
    state[2 * depth + assignment[prunedPrompt]] = 1f;
    return state;
  }
}
