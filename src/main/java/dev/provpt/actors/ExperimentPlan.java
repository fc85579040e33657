package dev.provpt.actors;

/**
 * What the coordinator needs to know about a run.
 *
 * @param relocates whether prompts move (PRO-VPT) or stay where they start
 * @param passScoring idleness measured by a separate pass (true) or during the previous tuning epoch
 * @param initialDistribution prompts per block at the start
 */
public record ExperimentPlan(String method, boolean relocates, int epochs, int warmupEpochs, boolean passScoring,
    float relocationScale, int depth, boolean testEveryEpoch, int[] initialDistribution) {}
