package dev.provpt.daemon;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.PreparedRun;
import dev.provpt.run.Resume;
import dev.provpt.run.RunService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * A claimed job's run, loaded: its backbone and data ({@link RunService#prepare}), and its
 * checkpoint when it resumes (its run directory has a config.conf), else its config.conf written.
 * {@link #load} is blocking I/O: the job manager calls it on the blocking dispatcher.
 */
record JobLaunch(PreparedRun run, Resume resume) {

  /**
   * The job's settings, parsed once from its text. Jobs at once share the cores: tensorflow-threads
   * = 0 (all cores) becomes cores / {@code maxConcurrent}.
   */
  static ExperimentSettings settings(JobStore.Job job, int maxConcurrent) {
    return settings(job, maxConcurrent, null);
  }

  /** As above; {@code epochs}, when not null, replaces train.epochs (an ASHA grid job trains to its rung's epoch). */
  static ExperimentSettings settings(JobStore.Job job, int maxConcurrent, Integer epochs) {
    ExperimentSettings parsed = ExperimentSettings.from(ConfigLoader.parse(job.config(), "job " + job.id(),
        epochs == null ? List.of() : List.of("train.epochs=" + epochs)));
    return parsed.tensorflowThreads() == 0 && maxConcurrent > 1 ? parsed.withTensorflowThreads(
        Math.max(1, Runtime.getRuntime().availableProcessors() / maxConcurrent)) : parsed;
  }

  /**
   * Loads the run into {@code directory}. A fresh run writes its config.conf here, through the
   * directory's guard (which may wait for the store): a job taken over meanwhile stops now.
   */
  static JobLaunch load(ExperimentSettings settings, RunDirectory directory) {
    return load(settings, directory, false);
  }

  /**
   * As above. {@code ashaSegment}: an ASHA grid job's segment up to its rung, which continues its run from its
   * checkpoint: its config.conf is written again (train.epochs is the new rung's epoch) and the export of the
   * rung it stopped at is removed (its last epoch exports again), as an in-process ASHA sweep does.
   */
  static JobLaunch load(ExperimentSettings settings, RunDirectory directory, boolean ashaSegment) {
    try {
      PreparedRun run = RunService.prepare(settings);
      Resume resume = Files.isRegularFile(directory.resolve(RunDirectory.CONFIG))
          ? RunService.readCheckpoint(directory.root()) : null;
      if (resume == null || ashaSegment) {
        RunService.writeConfig(run, directory);
      }
      if (resume != null && ashaSegment && resume.epoch() < settings.train().epochs()) {
        deleteRecursively(directory.resolve(RunDirectory.EXPORT));
      }
      return new JobLaunch(run, resume);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(java.nio.file.Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
