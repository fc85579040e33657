package dev.provpt.cli;

import dev.provpt.config.SettingsException;
import dev.provpt.data.DataException;
import dev.provpt.model.ModelException;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.train.TrainingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The provpt command line. */
@Command(name = "provpt", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "provpt 0.1.0",
    description = "PRO-VPT: visual prompt tuning with iterative prompt relocation, on the JVM.",
    subcommands = {RunCommand.class, PretrainCommand.class, InspectCommand.class, BenchCommand.class, PlotCommand.class, PredictCommand.class, SweepCommand.class,
        ImportVitCommand.class, FeaturesCommand.class, IdlenessAuditCommand.class, CompareCommand.class, ReportCommand.class,
        AshaReplayCommand.class,
        DaemonCommands.Serve.class, DaemonCommands.Submit.class, DaemonCommands.Status.class, DaemonCommands.Cancel.class,
        CliReference.class, CommandLine.HelpCommand.class})
public final class Main {
  /** The loggers logback.xml keeps at WARN unless asked: the actor system's start-up and shutdown lines. */
  static final java.util.List<String> VERBOSE_LOGGERS = java.util.List.of("org.apache.pekko.event.slf4j.Slf4jLogger",
      "org.apache.pekko.actor.CoordinatedShutdown");

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "also log the actor system's "
      + "start-up and shutdown lines (and, through ./provpt, TensorFlow's native log lines)")
  void verbose(boolean on) {
    if (on) {
      for (String name : VERBOSE_LOGGERS) {
        org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(name);
        if (logger instanceof ch.qos.logback.classic.Logger logback) {
          logback.setLevel(ch.qos.logback.classic.Level.INFO);
        }
      }
    }
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** {@code file} when given, else ./application.conf when it exists, else null (reference.conf alone). */
  static java.nio.file.Path experimentOrDefault(java.nio.file.Path file) {
    java.nio.file.Path fallback = java.nio.file.Path.of("application.conf");
    return file != null || !java.nio.file.Files.isRegularFile(fallback) ? file : fallback;
  }

  /** Runs a command line; user errors print one clear line and exit with 2. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof SettingsException || e instanceof ModelException || e instanceof DataException
          || e instanceof TrainingException || e instanceof IllegalArgumentException
          || e instanceof Checkpoints.CheckpointException) {
        commandLine.getErr().println("provpt: " + e.getMessage());
        return 2;
      }
      if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
        // A file that cannot be read or written: NoSuchFileException and friends carry only the path.
        commandLine.getErr().println("provpt: " + describeIo(e));
        return 2;
      }
      throw e;
    });
    return cli.execute(args);
  }

  static String describeIo(Exception e) {
    Throwable io = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
    String kind = switch (io.getClass().getSimpleName()) {
      case "NoSuchFileException" -> "no such file or directory";
      case "AccessDeniedException" -> "permission denied";
      case "FileAlreadyExistsException" -> "already exists";
      case "NotDirectoryException" -> "not a directory";
      case "DirectoryNotEmptyException" -> "directory not empty";
      default -> io.getClass().getSimpleName();
    };
    return io.getMessage() + ": " + kind;
  }
}
