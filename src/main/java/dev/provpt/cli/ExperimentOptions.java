package dev.provpt.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code -c/--config FILE} and {@code --set KEY=VALUE}, shared by the commands that read an experiment (a picocli
 * mixin). Each command keeps its own description of them: {@code ExperimentOptions.properties} holds them under the
 * command's qualified name ({@code provpt.run.set}); the text here is what a command without one shows.
 */
@Command(resourceBundle = "dev.provpt.cli.ExperimentOptions")
final class ExperimentOptions {
  @Option(names = {"-c", "--config"}, descriptionKey = "config", description = "experiment file (HOCON)")
  Path configFile;

  @Option(names = "--set", descriptionKey = "set",
      description = "override a key, e.g. --set train.epochs=5 (the provpt. prefix is optional)")
  List<String> overrides = new ArrayList<>();
}
