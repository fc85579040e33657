package dev.provpt.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * docs/CLI.md, the command reference, written from picocli's model of the command line (every
 * command's description, synopsis, options with their defaults, and parameters), so it cannot drift
 * from the code: CliReferenceTest fails when the committed file differs from what this writes.
 */
@Command(name = "docs-cli", hidden = true, description = "Print the command reference (docs/CLI.md) as Markdown.")
final class CliReference implements Callable<Integer> {

  static final String REGENERATE = "./provpt docs-cli > docs/CLI.md";

  @Override
  public Integer call() {
    System.out.print(markdown(new CommandLine(new Main())));
    return 0;
  }

  /** The reference of {@code root} and its visible subcommands. */
  static String markdown(CommandLine root) {
    CommandSpec spec = root.getCommandSpec();
    StringBuilder md = new StringBuilder();
    md.append("# provpt command reference\n\n")
        .append("<!-- Generated from the picocli command model by `").append(REGENERATE)
        .append("`; do not edit by hand (CliReferenceTest fails when this file is out of date). -->\n\n")
        .append(text(spec.usageMessage().description(), " ")).append("\n\n")
        .append("Every command also takes ").append(names(visibleOptions(spec))).append("; `provpt help COMMAND` ")
        .append("prints a command's usage. A bad input stops with one line naming the culprit and exit code 2.\n\n")
        .append("| command | what it does |\n|---|---|\n");
    List<CommandLine> commands = visibleSubcommands(root);
    for (CommandLine command : commands) {
      String name = command.getCommandName();
      md.append("| [`").append(name).append("`](#").append(name).append(") | ")
          .append(cell(text(command.getCommandSpec().usageMessage().description(), " "))).append(" |\n");
    }
    for (CommandLine command : commands) {
      section(md, command);
    }
    return md.toString();
  }

  private static void section(StringBuilder md, CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    md.append("\n## ").append(command.getCommandName()).append("\n\n");
    md.append(text(spec.usageMessage().description(), "\n").strip()).append("\n\n");
    String synopsis = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
        .synopsis(0).stripTrailing();
    md.append("```\n").append(synopsis).append("\n```\n");
    List<PositionalParamSpec> parameters = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
    if (!parameters.isEmpty()) {
      md.append("\n| parameter | description |\n|---|---|\n");
      for (PositionalParamSpec parameter : parameters) {
        md.append("| `").append(parameter.paramLabel()).append("` | ").append(cell(description(parameter)))
            .append(" |\n");
      }
    }
    List<OptionSpec> options = spec.options().stream()
        .filter(o -> !o.hidden() && !o.inherited() && !o.usageHelp() && !o.versionHelp()).toList();
    if (!options.isEmpty()) {
      md.append("\n| option | description |\n|---|---|\n");
      for (OptionSpec option : options) {
        String label = option.typeInfo().isBoolean() || option.arity().max() == 0 ? "" : " " + option.paramLabel();
        md.append("| `").append(String.join("`, `", option.names())).append(label).append("` | ")
            .append(cell(description(option))).append(" |\n");
      }
    }
    List<CommandLine> nested = visibleSubcommands(command);
    if (!nested.isEmpty()) {
      md.append("\nSubcommands: ").append(String.join(", ", nested.stream().map(c -> "`" + c.getCommandName() + "`")
          .toList())).append(".\n");
    }
  }

  /** The description, with the default value appended where picocli knows one the text does not state. */
  private static String description(ArgSpec arg) {
    String text = text(arg.description(), " ");
    Object initial = arg.defaultValue() != null ? arg.defaultValue() : arg.initialValue();
    boolean trivial = initial == null || Boolean.FALSE.equals(initial)
        || initial instanceof Collection<?> c && c.isEmpty() || initial instanceof Map<?, ?> m && m.isEmpty();
    if (!trivial && !text.contains("default")) {
      text += (text.isEmpty() ? "" : " ") + "(default: " + initial + ")";
    }
    return text;
  }

  private static List<CommandLine> visibleSubcommands(CommandLine command) {
    List<CommandLine> visible = new ArrayList<>();
    for (CommandLine sub : command.getSubcommands().values()) {
      boolean help = sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand;
      if (!sub.getCommandSpec().usageMessage().hidden() && !help && !visible.contains(sub)) {
        visible.add(sub);
      }
    }
    return visible;
  }

  private static List<OptionSpec> visibleOptions(CommandSpec spec) {
    return spec.options().stream().filter(o -> !o.hidden()).toList();
  }

  private static String names(List<OptionSpec> options) {
    return String.join(", ", options.stream().map(o -> "`" + String.join("`/`", o.names()) + "`").toList());
  }

  /** Picocli's description lines as one text: {@code %n} (a line break in picocli's format) becomes {@code separator}. */
  private static String text(String[] lines, String separator) {
    return String.join(separator, lines).replace("%n", separator).replace("%%", "%").replaceAll(" +", " ").strip();
  }

  /** {@code text} made safe for one Markdown table cell. */
  private static String cell(String text) {
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
  }
}
