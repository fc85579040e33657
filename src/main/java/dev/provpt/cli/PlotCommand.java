package dev.provpt.cli;

import dev.provpt.rundir.Plots;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Draws (or redraws) a run's plots, optionally against a baseline run. */
@Command(name = "plot", description = "Write a run's accuracy curves and prompt-distribution heat map as PNG.")
final class PlotCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RUN_DIR", description = "run directory")
  Path runDirectory;

  @Option(names = "--baseline", paramLabel = "RUN_DIR", description = "another run (e.g. VPT-Deep) to compare with")
  Path baseline;

  @Override
  public Integer call() throws Exception {
    Plots.write(runDirectory, baseline).forEach(p -> System.out.println("wrote " + p));
    return 0;
  }
}
