package dev.provpt.audit;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.method.PromptMode;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.PreparedRun;
import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs experiments that keep the checkpoints to audit, and audits the checkpoints of run directories. */
public final class AuditRunner {
  private AuditRunner() {}

  /**
   * Tunes the experiment once per seed up to the last of {@code epochs}, keeping those epochs'
   * checkpoints; returns the run directories ({@code out/seed-N}).
   */
  public static List<Path> tune(Path experiment, List<String> overrides, List<Integer> epochs, List<Long> seeds,
      Path out, Consumer<String> progress) {
    int last = epochs.stream().mapToInt(Integer::intValue).max().orElseThrow();
    List<Path> runs = new ArrayList<>();
    for (long seed : seeds) {
      List<String> all = new ArrayList<>(overrides);
      all.add("seed=" + seed);
      all.add("train.epochs=" + last);
      all.add("checkpoints.keep-epochs=" + epochs);
      all.add("pro-vpt.measure-every-estimator=true"); // the audit compares every estimator's online scores
      Path directory = out.resolve("seed-" + seed);
      progress.accept("tuning seed " + seed + " for " + last + " epochs -> " + directory);
      RunOutcome outcome = RunService.run(ConfigLoader.load(experiment, all), RunDirectory.at(directory));
      if (!outcome.succeeded()) {
        throw new IllegalStateException("the run of seed " + seed + " failed: " + outcome.error());
      }
      runs.add(directory);
    }
    return runs;
  }

  /** Audits the complete checkpoints of {@code runDirectory} at {@code epochs} (all when empty). */
  public static List<IdlenessAudit.CheckpointAudit> audit(Path runDirectory, List<Integer> epochs, int subsetSize,
      int recentEpochs, Consumer<String> progress) throws IOException {
    Path config = runDirectory.resolve(RunDirectory.CONFIG);
    if (!Files.isRegularFile(config)) {
      throw new IllegalArgumentException(runDirectory + ": not a run directory (no " + RunDirectory.CONFIG + ")");
    }
    ExperimentSettings settings = ExperimentSettings.from(ConfigLoader.load(config, List.of()));
    if (settings.method().layout() != PromptMode.DEEP) {
      throw new IllegalArgumentException(runDirectory + ": idleness needs VPT-Deep prompts, the run's method is "
          + settings.method().key);
    }
    PreparedRun prepared = RunService.prepare(settings);
    List<EpochRecord> metrics = RunDirectory.readEpochs(runDirectory);
    List<IdlenessAudit.CheckpointAudit> audits = new ArrayList<>();
    List<Path> oldestFirst = new ArrayList<>(Checkpoints.complete(runDirectory));
    java.util.Collections.reverse(oldestFirst);
    for (Path checkpoint : oldestFirst) {
      int epoch = Checkpoints.epochOf(checkpoint);
      if (epochs.isEmpty() || epochs.contains(epoch)) {
        progress.accept("auditing " + checkpoint);
        audits.add(IdlenessAudit.audit(prepared, runDirectory.getFileName().toString(), checkpoint, epoch, metrics,
            subsetSize, recentEpochs));
      }
    }
    if (audits.isEmpty()) {
      throw new IllegalArgumentException(runDirectory + ": no complete checkpoint" + (epochs.isEmpty() ? ""
          : " of epochs " + epochs) + " (set provpt.checkpoints.keep-epochs to keep them)");
    }
    return audits;
  }
}
