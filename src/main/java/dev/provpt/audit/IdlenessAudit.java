package dev.provpt.audit;

import dev.provpt.idleness.Estimator;
import dev.provpt.idleness.Measurement;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.run.PreparedRun;
import dev.provpt.stats.Ranks;
import dev.provpt.train.TuningSession;
import dev.provpt.train.TuningSetup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges the idleness estimators against the truth at a checkpoint: every prompt's exact removal
 * effect on a fixed subset of training images (leave-one-out), next to what each gate estimator
 * measures on the same images and — for a run scored online — what each measured during the
 * epoch's tuning, the values the run pruned with ("online"). Prompts relocated in the last few
 * epochs (shrunk, so of another scale than the rest for a while) are reported apart: that
 * mixed-scale regime is the one PRO-VPT creates.
 */
public final class IdlenessAudit {
  /** The estimators judged: every one a step measures; leave-one-out is the truth they are judged against. */
  public static final List<Estimator> ESTIMATORS = Estimator.perStep();

  /** One prompt at one checkpoint: its block, whether it moved recently, each estimate and the truth. */
  public record PromptRow(int prompt, int block, boolean recent, Map<String, Double> estimates, double truth) {}

  /**
   * How one estimator did at one checkpoint.
   *
   * @param top1 its most idle prompt is the one whose removal lowers the loss most
   * @param picksRecent its most idle prompt was relocated in the last few epochs
   */
  public record EstimatorResult(String estimator, double spearman, double spearmanRecent, double spearmanRest,
      boolean top1, boolean picksRecent, double truthOfPick) {}

  /** One audited checkpoint. */
  public record CheckpointAudit(String run, int epoch, int prompts, int recentPrompts, int subsetSize,
      double subsetLoss, double bestTruth, List<EstimatorResult> estimators, List<PromptRow> rows) {}

  private IdlenessAudit() {}

  /**
   * Audits the checkpoint in {@code checkpointDirectory} (of epoch {@code epoch}) of a run
   * prepared from its config.conf; {@code metrics} are the run's epochs (for the relocations).
   */
  public static CheckpointAudit audit(PreparedRun prepared, String run, Path checkpointDirectory, int epoch,
      List<EpochRecord> metrics, int subsetSize, int recentEpochs) throws IOException {
    Checkpoints.requireIntact(checkpointDirectory);
    var snapshot = Checkpoints.readJson(checkpointDirectory.resolve(Checkpoints.TUNER), TuningSession.Snapshot.class);
    try (TuningSession session = TuningSetup.openSession(prepared.settings(), prepared.backbone(), prepared.split(),
        java.util.EnumSet.allOf(Estimator.class))) {
      session.restore(snapshot);
      var subset = session.scoringSubset(subsetSize);
      TuningSession.PassResult result = session.measureWithLeaveOneOut(subset);
      Map<String, float[]> estimates = new LinkedHashMap<>();
      for (Estimator estimator : ESTIMATORS) {
        estimates.put(estimator.key, result.idleness().scores(estimator));
      }
      Measurement online = onlineScores(prepared, checkpointDirectory, session.assignment());
      if (online != null) { // those the run measured: all of them in the audit's own runs
        for (Estimator estimator : ESTIMATORS) {
          if (online.measured().contains(estimator)) {
            estimates.put(estimator.key + " (online)", online.scores(estimator));
          }
        }
      }
      return judge(run, epoch, session.assignment(), recentlyMoved(metrics, epoch, recentEpochs), subset.size(),
          result.loss(), estimates, result.idleness().scores(Estimator.LEAVE_ONE_OUT));
    }
  }

  /** The scores the run measured while tuning this epoch and pruned with next (online scoring only). */
  private static Measurement onlineScores(PreparedRun prepared, Path checkpointDirectory, int[] assignment)
      throws IOException {
    if (prepared.settings().proVpt().scoring() != dev.provpt.config.ExperimentSettings.Scoring.ONLINE
        || !prepared.settings().method().relocates()) {
      return null;
    }
    var cycle = Checkpoints.readJson(checkpointDirectory.resolve(Checkpoints.EXPERIMENT),
        dev.provpt.actors.CycleState.class);
    return cycle.scores() != null && java.util.Arrays.equals(cycle.scoredAssignment(), assignment)
        ? cycle.scores() : null;
  }

  /** Prompts whose relocation changed their block or scale in epochs epoch − recent + 1 .. epoch. */
  static Set<Integer> recentlyMoved(List<EpochRecord> metrics, int epoch, int recentEpochs) {
    Set<Integer> moved = new HashSet<>();
    for (EpochRecord line : metrics) {
      var r = line.relocation();
      if (r != null && line.epoch() > epoch - recentEpochs && line.epoch() <= epoch
          && (r.fromBlock() != r.toBlock() || r.scaled())) {
        moved.add(r.prompt());
      }
    }
    return moved;
  }

  /** @param estimates name → each prompt's estimate; {@code truthScores} the leave-one-out effects */
  static CheckpointAudit judge(String run, int epoch, int[] assignment, Set<Integer> recent, int subsetSize,
      double subsetLoss, Map<String, float[]> estimates, float[] truthScores) {
    double[] truth = doubles(truthScores);
    int bestPrompt = Ranks.argMax(truth);
    List<EstimatorResult> results = new ArrayList<>();
    for (var named : estimates.entrySet()) {
      double[] estimate = doubles(named.getValue());
      int pick = Ranks.argMax(estimate);
      results.add(new EstimatorResult(named.getKey(), Ranks.spearman(estimate, truth),
          Ranks.spearman(select(estimate, recent, true), select(truth, recent, true)),
          Ranks.spearman(select(estimate, recent, false), select(truth, recent, false)),
          pick == bestPrompt, recent.contains(pick), truth[pick]));
    }
    List<PromptRow> rows = new ArrayList<>();
    for (int j = 0; j < truth.length; j++) {
      Map<String, Double> values = new LinkedHashMap<>();
      for (var named : estimates.entrySet()) {
        values.put(named.getKey(), (double) named.getValue()[j]);
      }
      rows.add(new PromptRow(j, assignment[j], recent.contains(j), values, truth[j]));
    }
    return new CheckpointAudit(run, epoch, truth.length, recent.size(), subsetSize, subsetLoss, truth[bestPrompt],
        results, rows);
  }

  private static double[] select(double[] values, Set<Integer> recent, boolean wantRecent) {
    List<Double> kept = new ArrayList<>();
    for (int j = 0; j < values.length; j++) {
      if (recent.contains(j) == wantRecent) {
        kept.add(values[j]);
      }
    }
    return kept.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] doubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
