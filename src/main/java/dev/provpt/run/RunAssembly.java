package dev.provpt.run;

import dev.provpt.actors.AllocatorActor;
import dev.provpt.actors.CycleState;
import dev.provpt.actors.ExperimentActor;
import dev.provpt.actors.ExperimentPlan;
import dev.provpt.actors.ExperimentTeam;
import dev.provpt.actors.ScorerActor;
import dev.provpt.actors.TensorBoardActor;
import dev.provpt.actors.TunerActor;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.data.BatchIterator;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.ProgressBar;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.rl.AllocationPolicy;
import dev.provpt.rl.PpoAllocator;
import dev.provpt.rl.PpoConfig;
import dev.provpt.rl.ThompsonAllocator;
import dev.provpt.train.TuningSetup;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/** Turns a prepared run's settings into the coordinator's plan, its team and, at the end, its summary. */
final class RunAssembly {
  private RunAssembly() {}

  static ExperimentPlan plan(PreparedRun prepared) {
    ExperimentSettings s = prepared.settings();
    int depth = prepared.backbone().config().depth();
    var v = s.proVpt();
    boolean leaveOneOut = v.idleness().needsScoringPass(); // only a separate pass can measure it
    return new ExperimentPlan(s.method().key, s.method().relocates(), s.train().epochs(), v.warmupEpochs(),
        v.scoring() == ExperimentSettings.Scoring.PASS || leaveOneOut, leaveOneOut, (float) v.relocationScale(),
        v.scaleKeptPrompt(), depth, s.train().testEveryEpoch(), TuningSetup.initialDistribution(s, depth),
        java.util.Set.copyOf(s.keptCheckpoints()));
  }

  /** The real Tuner, Scorer, Allocator and TensorBoard writer of a run, continuing from {@code resume} if not null. */
  static ExperimentTeam team(PreparedRun prepared, RunDirectory directory, Resume resume, boolean showProgress) {
    ExperimentSettings s = prepared.settings();
    int depth = prepared.backbone().config().depth();
    int batches = BatchIterator.batchesPerEpoch(prepared.split().train().size(), s.train().batchSize());
    IntFunction<ProgressBar> progress = epoch -> showProgress
        ? new ProgressBar(String.format("epoch %d/%d", epoch, s.train().epochs()), batches) : ProgressBar.silent();
    int resumedEpoch = resume == null ? 0 : resume.experiment().epoch();
    return new ExperimentTeam(
        TunerActor.create(() -> TuningSetup.openSession(s, prepared.backbone(), prepared.split()),
            resume == null ? null : resume.tuner(), prepared.split().val(), prepared.split().test(),
            prepared.backbone().weights(), progress, s.proVpt().scoringSubset()),
        ScorerActor.create(depth, s.proVpt().warmupEpochs(), s.proVpt().prune(), s.proVpt().idleness(), s.seed() + 17,
            resumedEpoch),
        AllocatorActor.create(() -> policy(s, depth), resume == null ? null : resume.allocator()),
        TensorBoardActor.create(directory.resolve(RunDirectory.TENSORBOARD)));
  }

  static AllocationPolicy policy(ExperimentSettings s, int depth) {
    if (s.proVpt().allocate() == ExperimentSettings.Allocate.THOMPSON) {
      return ThompsonAllocator.create(depth, s.seed() + 31);
    }
    var p = s.ppo();
    return PpoAllocator.create(depth, new PpoConfig(p.hidden(), p.gamma(), p.clip(), p.kEpochs(), p.valueCoefficient(),
        p.entropyCoefficient(), p.updateEvery(), (float) p.actorLr(), (float) p.criticLr()), s.seed() + 31);
  }

  /** summary.json: what was run, then how it ended (the last epoch's accuracies and the cycle's counters). */
  static Map<String, Object> summary(PreparedRun prepared, CycleState state, EpochRecord last) {
    ExperimentSettings s = prepared.settings();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("name", s.name());
    summary.put("method", s.method().key);
    if (s.method().relocates()) {
      summary.put("prune", s.proVpt().prune().key);
      summary.put("allocate", s.proVpt().allocate().key);
      summary.put("scoring", s.proVpt().scoring().key);
      summary.put("warmup_epochs", s.proVpt().warmupEpochs());
      summary.put("idleness", s.proVpt().idleness().key);
    }
    summary.put("backbone", s.backbone().toString());
    // what the backbone computed in: bf16 asked for on a CPU without it runs (and is recorded as) fp32
    summary.put("precision", s.precision().effective().key);
    summary.put("task", prepared.split().train().name());
    // what the trainable-parameter count follows from: prompts x width + the head (its inputs x classes + classes)
    var c = prepared.backbone().config();
    int classes = prepared.split().train().numClasses();
    int prompts = java.util.Arrays.stream(state.distribution()).sum(); // relocation keeps the count
    summary.put("classes", classes);
    summary.put("width", c.width());
    summary.put("prompts", prompts);
    summary.put("trainable_parameters", s.method().trainableParameters(prompts, c.width(),
        (long) c.imageSize() * c.imageSize() * c.channels(), classes));
    summary.put("train_size", prepared.split().train().size());
    summary.put("val_size", prepared.split().val().size());
    summary.put("test_size", prepared.split().test().size());
    summary.put("epochs", s.train().epochs());
    summary.put("learning_rate", s.train().learningRate());
    summary.put("weight_decay", s.train().weightDecay());
    summary.put("seed", s.seed());
    summary.put("test_acc", last.testAccuracy());
    summary.put("final_val_acc", last.valAccuracy());
    summary.put("best_val_acc", state.bestVal());
    summary.put("best_epoch", state.bestEpoch());
    summary.put("distribution", state.distribution());
    summary.put("relocations", state.relocations());
    summary.put("rewards", state.rewards());
    summary.put("ppo_updates", state.ppoUpdates());
    return summary;
  }
}
