package dev.provpt.cli;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.report.RunDirectory;
import dev.provpt.train.ExperimentRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one experiment from a HOCON file. */
@Command(name = "run", description = "Run an experiment from a HOCON file (default: ./application.conf).")
final class RunCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, description = "experiment file (default: application.conf if present)")
  Path configFile;

  @Option(names = "--set", description = "override a key, e.g. --set train.epochs=5 (the provpt. prefix is optional)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--run-dir", description = "write into this directory instead of <out>/<name>-<time>")
  Path runDir;

  @Option(names = "--quiet", description = "no progress bar")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    Path file = configFile;
    if (file == null && Files.isRegularFile(Path.of("application.conf"))) {
      file = Path.of("application.conf");
    }
    ExperimentSettings settings = ExperimentSettings.from(ConfigLoader.load(file, overrides));
    RunDirectory dir = runDir != null ? RunDirectory.at(runDir) : RunDirectory.create(settings.out(), settings.name());
    Map<String, Object> summary = ExperimentRunner.run(settings, dir, !quiet);
    System.out.printf("%s: %s best val acc %.4f (epoch %s), test acc %s -> %s%n", settings.name(),
        settings.method().key, (Double) summary.get("best_val_acc"), summary.get("best_epoch"),
        summary.get("test_acc") == null ? "n/a" : String.format("%.4f", (Double) summary.get("test_acc")), dir.root());
    return 0;
  }
}
