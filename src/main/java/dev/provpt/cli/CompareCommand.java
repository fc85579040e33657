package dev.provpt.cli;

import dev.provpt.sweep.Comparison;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Methods side by side on one task over seeds. */
@Command(name = "compare", description = {"Run variants of one experiment with every seed and tabulate test",
    "accuracy (mean ± std, paired differences to the first variant). Finished runs are reused."})
final class CompareCommand implements Callable<Integer> {
  @Mixin
  ExperimentOptions experiment = new ExperimentOptions();

  @Option(names = "--variant", required = true,
      description = "NAME:key=value,key=value, e.g. vpt-deep:method=vpt-deep (repeat; the first is the reference)")
  List<String> variants = new ArrayList<>();

  @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "default: 1,2,3")
  List<Long> seeds;

  @Option(names = "--out", required = true, description = "directory of the runs, compare.json and compare.md")
  Path out;

  @Override
  public Integer call() throws Exception {
    Comparison comparison = new Comparison(Main.experimentOrDefault(experiment.configFile), experiment.overrides,
        variants.stream().map(Comparison.Variant::parse).toList(), seeds);
    var rows = comparison.run(out, System.err::println);
    System.out.print(comparison.markdown(rows));
    System.out.println("-> " + out.resolve(Comparison.MARKDOWN_FILE));
    return 0;
  }
}
