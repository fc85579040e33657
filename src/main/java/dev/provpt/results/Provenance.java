package dev.provpt.results;

import static dev.provpt.results.ResultsReport.percent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Where the page's numbers come from: the commands that made the runs, the runs read, and the machine. */
final class Provenance {
  private Provenance() {}

  /** "Commands": each input's commands.txt, then every run read and the duplicates left out. */
  static void commands(StringBuilder md, ResultsReport report) {
    md.append("\n## Commands\n\n");
    for (Path input : report.inputs()) {
      Path commands = input.resolve("commands.txt");
      if (Files.isRegularFile(commands)) {
        md.append("`").append(input).append("` (its `commands.txt`):\n\n```\n");
        try {
          md.append(Files.readString(commands).strip()).append("\n```\n\n");
        } catch (IOException e) {
          md.append("(unreadable: ").append(e.getMessage()).append(")\n```\n\n");
        }
      } else {
        md.append("`").append(input).append("`: no `commands.txt`; each run's `config.conf` holds its settings.\n\n");
      }
    }
    md.append("Runs read:\n\n| run | task | configuration | seed | test acc |\n|---|---|---|---|---|\n");
    for (RunResult r : report.runs()) {
      md.append("| `").append(r.directory()).append("` | ").append(r.task()).append(" | ").append(r.configuration())
          .append(" | ").append(r.seed()).append(" | ").append(percent(r.testAccuracy())).append(" |\n");
    }
    if (!report.duplicates().isEmpty()) {
      md.append("\nLeft out as duplicates:\n\n");
      report.duplicates().forEach(d -> md.append("- `").append(d).append("`\n"));
    }
  }

  /** "Machine": the machine that wrote the page (not necessarily the one that made the runs). */
  static void machine(StringBuilder md) {
    md.append("\n## Machine\n\n");
    md.append("Read when this page was written (").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .append("), which need not be the machine that made the runs:\n\n");
    Runtime rt = Runtime.getRuntime();
    md.append("- cores: ").append(rt.availableProcessors()).append("\n");
    md.append("- OS: ").append(System.getProperty("os.name")).append(" ").append(System.getProperty("os.version"))
        .append(" (").append(System.getProperty("os.arch")).append(")\n");
    md.append("- JVM: ").append(System.getProperty("java.vm.name")).append(" ").append(System.getProperty("java.version"))
        .append(", max heap ").append(rt.maxMemory() / (1024 * 1024)).append(" MiB\n");
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      md.append("- memory: ").append(sun.getTotalMemorySize() / (1024 * 1024)).append(" MiB\n");
    }
  }
}
