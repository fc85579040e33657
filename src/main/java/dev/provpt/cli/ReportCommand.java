package dev.provpt.cli;

import dev.provpt.results.ResultsReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The results page from run directories. */
@Command(name = "report", description = {"Turn run directories (as provpt compare or provpt sweep lay them out,",
    "e.g. one directory per task) into a results page: Tab. 1- and Tab. 3-style tables, PRO-VPT - VPT-Deep",
    "paired by seed, learned prompt distributions, epoch cost and images/s, commands and machine; with figures",
    "and results.json (per task and method: backbone, seeds, test accuracies, mean, std, settings) beside them."})
final class ReportCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "DIR", description = "directories holding runs (searched 3 levels deep)")
  List<Path> inputs = new ArrayList<>();

  @Option(names = "--out", defaultValue = "docs/RESULTS.md", description = "the page (default: docs/RESULTS.md)")
  Path out;

  @Option(names = "--figures", description = "folder of the figures and results.json (default: results/ beside the page)")
  Path figures;

  @Override
  public Integer call() throws Exception {
    Path figureDir = figures != null ? figures
        : out.toAbsolutePath().getParent().resolve("results");
    List<String> words = new ArrayList<>(List.of("provpt", "report"));
    inputs.forEach(p -> words.add(p.toString()));
    words.add("--out");
    words.add(out.toString());
    if (figures != null) {
      words.add("--figures");
      words.add(figures.toString());
    }
    ResultsReport report = ResultsReport.read(inputs);
    for (Path written : report.write(out, figureDir, String.join(" ", words))) {
      System.out.println("-> " + written);
    }
    return 0;
  }
}
