package dev.provpt.actors;

/**
 * What the coordinator needs to know about a run.
 *
 * @param relocates whether prompts move (PRO-VPT) or stay where they start
 * @param passScoring idleness measured by a separate pass (true) or during the previous tuning epoch
 * @param leaveOneOut the scoring pass measures the exact removal effect (idleness = leave-one-out)
 * @param scaleKeptPrompt a prompt sent back to its own block is scaled by relocationScale all the same
 * @param initialDistribution prompts per block at the start
 * @param keptCheckpoints epochs whose checkpoints outlive the newer ones
 */
public record ExperimentPlan(String method, boolean relocates, int epochs, int warmupEpochs, boolean passScoring,
    boolean leaveOneOut, float relocationScale, boolean scaleKeptPrompt, int depth, boolean testEveryEpoch,
    int[] initialDistribution, java.util.Set<Integer> keptCheckpoints) {

  /** A plan with [PRO-VPT]'s defaults for the idleness details (gate scores, kept prompts left alone). */
  public ExperimentPlan(String method, boolean relocates, int epochs, int warmupEpochs, boolean passScoring,
      float relocationScale, int depth, boolean testEveryEpoch, int[] initialDistribution) {
    this(method, relocates, epochs, warmupEpochs, passScoring, false, relocationScale, false, depth, testEveryEpoch,
        initialDistribution, java.util.Set.of());
  }
}
