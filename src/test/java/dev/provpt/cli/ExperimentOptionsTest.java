package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** -c/--config and --set come from one mixin, and every command keeps its own words for them. */
class ExperimentOptionsTest {
  private static String description(CommandLine cli, String command, String option) {
    return String.join(" ", cli.getSubcommands().get(command).getCommandSpec().findOption(option).description());
  }

  @Test
  void eachCommandDescribesTheSharedOptionsInItsOwnWords() {
    CommandLine cli = new CommandLine(new Main());
    assertEquals("experiment file (default: application.conf if present)", description(cli, "run", "-c"));
    assertEquals("override a key, e.g. --set train.epochs=5 (the provpt. prefix is optional)",
        description(cli, "run", "--set"));
    assertEquals("experiment file with a provpt.sweep section (default: application.conf)",
        description(cli, "sweep", "--config"));
    assertEquals("override a key, e.g. --set sweep.seeds=[1,2]", description(cli, "sweep", "--set"));
    assertEquals("override a key for every variant", description(cli, "compare", "--set"));
    assertEquals("tune this experiment first (with --epochs and --seeds)", description(cli, "idleness-audit", "-c"));
    assertEquals("HOCON file with a provpt.pretrain section", description(cli, "pretrain", "-c"));
    assertEquals("override, e.g. --set daemon.port=9000", description(cli, "serve", "--set"));
  }

  @Test
  void theOptionsParseIntoTheMixin() {
    SweepCommand sweep = new SweepCommand();
    new CommandLine(sweep).parseArgs("-c", "suite/x.conf", "--set", "a=1", "--set", "b=2");
    assertEquals(Path.of("suite/x.conf"), sweep.experiment.configFile);
    assertEquals(List.of("a=1", "b=2"), sweep.experiment.overrides);
  }
}
