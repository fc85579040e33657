package dev.provpt.cli;

import dev.provpt.results.ResultsNotes;
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
    "e.g. one directory per task) into a results page: a computed reading (linear probe and VPT-Deep - pixels,",
    "VPT-Deep - linear probe, PRO-VPT and",
    "its variants - VPT-Deep: per task a 95% t interval over seeds, over tasks signed-rank and sign tests), Tab. 1- and",
    "Tab. 3-style tables, VPT-Deep and PRO-VPT across prompts per block (their spreads) and at longer schedules",
    "(each against its usual epochs on the same seeds), PRO-VPT - VPT-Deep paired by seed, learned prompt distributions, epoch cost and images/s, commands and machine; with figures",
    "and results.json (per task and method: backbone, seeds, test accuracies, mean, std, settings) beside them."})
final class ReportCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "DIR", description = "directories holding runs (searched 3 levels deep)")
  List<Path> inputs = new ArrayList<>();

  @Option(names = "--out", defaultValue = "docs/RESULTS.md", description = "the page (default: docs/RESULTS.md)")
  Path out;

  @Option(names = "--figures", description = "folder of the figures and results.json (default: results/ beside the page)")
  Path figures;

  @Option(names = "--notes", paramLabel = "FILE", description = {"Markdown included verbatim as the page's Notes section",
      "(after the Reading); refused when it types a decimal number or a percentage (integers are allowed)"})
  Path notes;

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
    String notesText = null;
    if (notes != null) {
      words.add("--notes");
      words.add(notes.toString());
      notesText = ResultsNotes.read(notes);
    }
    ResultsReport report = ResultsReport.read(inputs);
    for (Path written : report.write(out, figureDir, String.join(" ", words), notesText)) {
      System.out.println("-> " + written);
    }
    return 0;
  }
}
