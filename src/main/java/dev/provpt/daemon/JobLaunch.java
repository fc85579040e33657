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
    ExperimentSettings parsed = ExperimentSettings.from(ConfigLoader.parse(job.config(), "job " + job.id(),
        List.of()));
    return parsed.tensorflowThreads() == 0 && maxConcurrent > 1 ? parsed.withTensorflowThreads(
        Math.max(1, Runtime.getRuntime().availableProcessors() / maxConcurrent)) : parsed;
  }

  /**
   * Loads the run into {@code directory}. A fresh run writes its config.conf here, through the
   * directory's guard (which may wait for the store): a job taken over meanwhile stops now.
   */
  static JobLaunch load(ExperimentSettings settings, RunDirectory directory) {
    try {
      PreparedRun run = RunService.prepare(settings);
      Resume resume = Files.isRegularFile(directory.resolve(RunDirectory.CONFIG))
          ? RunService.readCheckpoint(directory.root()) : null;
      if (resume == null) {
        RunService.writeConfig(run, directory);
      }
      return new JobLaunch(run, resume);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
