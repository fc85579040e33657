package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/CLI.md is what the generator writes from the command model; a new option or command makes it stale. */
class CliReferenceTest {

  @Test
  void theCommittedReferenceIsUpToDate() throws Exception {
    List<String> committed = Files.readAllLines(Path.of("docs/CLI.md"));
    List<String> generated = CliReference.markdown(new CommandLine(new Main())).lines().toList();
    for (int i = 0; i < Math.max(committed.size(), generated.size()); i++) {
      String was = i < committed.size() ? committed.get(i) : "(end of file)";
      String now = i < generated.size() ? generated.get(i) : "(end of file)";
      if (!was.equals(now)) {
        fail("docs/CLI.md is out of date: regenerate it with " + CliReference.REGENERATE + " (line " + (i + 1)
            + ": committed \"" + was + "\", generated \"" + now + "\")");
      }
    }
  }

  @Test
  void everyVisibleCommandAndOptionIsDocumented() {
    String md = CliReference.markdown(new CommandLine(new Main()));
    for (var command : new CommandLine(new Main()).getSubcommands().values()) {
      var spec = command.getCommandSpec();
      if (spec.usageMessage().hidden() || spec.userObject() instanceof CommandLine.HelpCommand) {
        assertTrue(!md.contains("\n## " + spec.name() + "\n"), spec.name() + " is hidden but documented");
        continue;
      }
      assertTrue(md.contains("\n## " + spec.name() + "\n"), spec.name());
      for (var option : spec.options()) {
        if (!option.hidden() && !option.inherited()) {
          assertTrue(md.contains("`" + option.longestName() + "`") || md.contains("`" + option.longestName() + " "),
              spec.name() + " " + option.longestName());
        }
      }
    }
    assertEquals(1, md.lines().filter(l -> l.startsWith("# ")).count());
  }
}
