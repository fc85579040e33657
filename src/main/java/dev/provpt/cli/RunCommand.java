package dev.provpt.cli;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.data.TaskSource;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.PreparedRun;
import dev.provpt.run.Resume;
import dev.provpt.run.RunOutcome;
import dev.provpt.results.ReferenceResults;
import dev.provpt.results.RunResult;
import dev.provpt.run.RunService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs one experiment from a HOCON file. */
@Command(name = "run", description = "Run an experiment from a HOCON file (default: ./application.conf).")
final class RunCommand implements Callable<Integer> {
  @Mixin
  ExperimentOptions experiment = new ExperimentOptions();

  @Option(names = "--run-dir", description = "write into this directory instead of <out>/<name>-<time>")
  Path runDir;

  @Option(names = "--quiet", description = "no progress bar")
  boolean quiet;

  @Option(names = "--resume", paramLabel = "RUN_DIR",
      description = "continue an interrupted run from its latest checkpoint (its config.conf is used)")
  Path resume;

  @Override
  public Integer call() throws java.io.IOException {
    Path file = experiment.configFile;
    if (resume != null) {
      if (experiment.configFile != null || !experiment.overrides.isEmpty() || runDir != null) {
        throw new IllegalArgumentException("--resume continues a run with its own config.conf: "
            + "it takes no -c, --set or --run-dir");
      }
      file = resume.resolve(RunDirectory.CONFIG);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(resume + ": not a run directory (no " + RunDirectory.CONFIG + ")");
      }
    } else {
      file = Main.experimentOrDefault(file);
    }
    var config = ConfigLoader.load(file, experiment.overrides);
    ExperimentSettings settings = ExperimentSettings.from(config);
    PreparedRun prepared = RunService.prepare(settings);
    RunDirectory dir = resume != null ? RunDirectory.at(resume)
        : runDir != null ? RunDirectory.at(runDir) : RunDirectory.create(settings.out(), settings.name());
    Resume state = resume != null ? RunService.readCheckpoint(resume) : null;
    if (resume != null) {
      System.err.printf("resuming %s after epoch %d%n", resume, state == null ? 0 : state.experiment().epoch());
    }
    System.err.printf("%s: %s on %s (%d train / %d val / %d test), backbone %s -> %s%n", settings.name(),
        settings.method().key, prepared.split().train().name(), prepared.split().train().size(),
        prepared.split().val().size(), prepared.split().test().size(), settings.backbone(), dir.root());
    RunOutcome outcome = RunService.run(prepared, dir, !quiet, quiet ? line -> { } : RunCommand::printEpoch,
        config, state);
    if (!outcome.succeeded()) {
      System.err.println("provpt: run failed: " + outcome.error());
      return 1;
    }
    Map<String, Object> s = outcome.summary();
    System.out.printf("%s: %s best val acc %.4f (epoch %s), test acc %s, %s relocations -> %s%n", settings.name(),
        settings.method().key, (Double) s.get("best_val_acc"), s.get("best_epoch"),
        s.get("test_acc") == null ? "n/a" : String.format("%.4f", (Double) s.get("test_acc")), s.get("relocations"),
        dir.root());
    printReference(Path.of(config.getString("provpt.reference-results")), settings, s, dir);
    return 0;
  }

  /**
   * For a suite task: the committed results of the task on the run's backbone (PRO-VPT, VPT-Deep, the linear probe, the pixels), printed
   * as one line after the summary and added to summary.json under {@code reference}. Nothing when {@code file} is
   * absent or lacks them; one warning line, never a failure, when it is malformed.
   */
  static void printReference(Path file, ExperimentSettings settings, Map<String, Object> summary, RunDirectory dir) {
    if (!(settings.data().source() instanceof TaskSource.Suite suite)) {
      return;
    }
    Optional<ReferenceResults.Reference> found;
    try {
      Optional<ReferenceResults> results = ReferenceResults.load(file);
      if (results.isEmpty()) {
        return;
      }
      found = results.get().lookup(settings.backbone().toString(), suite.task());
    } catch (IOException | RuntimeException e) {
      String message = e instanceof IOException ? e.getMessage() : file + ": " + e;
      System.err.println("provpt: warning: " + message + "; no reference results printed");
      return;
    }
    if (found.isEmpty()) {
      return;
    }
    String split = RunResult.splitOf(String.valueOf(summary.get("task")));
    System.out.println(found.get().line((Double) summary.get("test_acc"), split));
    Map<String, Object> withReference = new LinkedHashMap<>(summary);
    withReference.put("reference", found.get().toMap());
    try {
      dir.writeSummary(withReference);
    } catch (RuntimeException e) {
      System.err.println("provpt: warning: cannot add the reference to " + dir.resolve(RunDirectory.SUMMARY) + ": " + e);
    }
  }

  static void printEpoch(EpochRecord line) {
    StringBuilder text = new StringBuilder(String.format("epoch %d: train loss %.4f, val acc %.4f", line.epoch(),
        line.trainLoss(), line.valAccuracy()));
    if (line.testAccuracy() != null) {
      text.append(String.format(", test acc %.4f", line.testAccuracy()));
    }
    if (line.relocation() != null) {
      var r = line.relocation();
      text.append(String.format(", moved prompt %d: block %d -> %d", r.prompt(), r.fromBlock(), r.toBlock()));
    }
    if (line.reward() != null) {
      text.append(String.format(", reward %.4f", line.reward()));
    }
    text.append(", distribution ").append(java.util.Arrays.toString(line.distribution()));
    System.err.println(text);
  }
}
