package dev.provpt.cli;

import dev.provpt.audit.AuditReport;
import dev.provpt.audit.AuditRunner;
import dev.provpt.audit.IdlenessAudit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Compares every idleness estimator with the exact removal effect of each prompt, at checkpoints of real runs. */
@Command(name = "idleness-audit", description = {
    "Judge the idleness estimators against leave-one-out at checkpoints: of RUN_DIRs, or of runs of an",
    "experiment file (-c) tuned for --epochs with each of --seeds. Writes idleness-audit.json, .md and plots."})
final class IdlenessAuditCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RUN_DIR", arity = "0..*", description = "run directories whose kept checkpoints to audit")
  List<Path> runDirectories = new ArrayList<>();

  @Mixin
  ExperimentOptions experiment = new ExperimentOptions();

  @Option(names = "--epochs", split = ",", description = "epochs to audit (with -c: also how long to tune), e.g. 2,10,30")
  List<Integer> epochs = new ArrayList<>();

  @Option(names = "--seeds", split = ",", defaultValue = "1", description = "with -c: one run per seed (default: 1)")
  List<Long> seeds;

  @Option(names = "--subset", defaultValue = "256", description = "training images the truth is measured on (default: 256)")
  int subset;

  @Option(names = "--recent", defaultValue = "3", description = "a prompt relocated within this many epochs counts as recently moved (default: 3)")
  int recent;

  @Option(names = "--out", description = "where the runs (with -c) and the report go (default: <out>/idleness-audit)")
  Path out;

  @Override
  public Integer call() throws Exception {
    if ((experiment.configFile == null) == runDirectories.isEmpty()) {
      throw new IllegalArgumentException("give either run directories or -c FILE (with --epochs)");
    }
    Path directory = out != null ? out : Path.of("runs", "idleness-audit");
    List<Path> runs = runDirectories;
    if (experiment.configFile != null) {
      if (epochs.isEmpty()) {
        throw new IllegalArgumentException("-c needs --epochs, e.g. --epochs 2,10,30");
      }
      runs = AuditRunner.tune(experiment.configFile, experiment.overrides, epochs, seeds, directory, System.err::println);
    }
    List<IdlenessAudit.CheckpointAudit> audits = new ArrayList<>();
    for (Path run : runs) {
      audits.addAll(AuditRunner.audit(run, epochs, subset, recent, System.err::println));
    }
    AuditReport report = new AuditReport(audits);
    Files.createDirectories(directory);
    report.write(directory, "provpt idleness-audit " + String.join(" ", commandLine()));
    System.out.print(report.markdown());
    System.out.println("-> " + directory.resolve(AuditReport.JSON_FILE));
    return 0;
  }

  private List<String> commandLine() {
    List<String> words = new ArrayList<>();
    if (experiment.configFile != null) {
      words.add("-c " + experiment.configFile);
      experiment.overrides.forEach(o -> words.add("--set " + o));
      words.add("--seeds " + String.join(",", seeds.stream().map(String::valueOf).toList()));
    } else {
      runDirectories.forEach(r -> words.add(r.toString()));
    }
    if (!epochs.isEmpty()) {
      words.add("--epochs " + String.join(",", epochs.stream().map(String::valueOf).toList()));
    }
    words.add("--subset " + subset);
    words.add("--recent " + recent);
    return words;
  }
}
