package dev.provpt.cli;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.sweep.Sweep;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs [PRO-VPT]'s protocol over provpt.sweep's grid and seeds. */
@Command(name = "sweep", description = "Grid on train/val, then the best setting on train+val over seeds: test mean ± std.")
final class SweepCommand implements Callable<Integer> {
  @Mixin
  ExperimentOptions experiment = new ExperimentOptions();

  @Option(names = "--dry-run", description = "list the runs the sweep expands into, run nothing")
  boolean dryRun;

  @Option(names = "--submit", description = "queue the sweep's runs as jobs on a daemon or cluster (idempotent): the "
      + "grid first (with sweep.scheduler = asha the daemon stops and promotes its points at rungs); once the grid is "
      + "done, the final runs with the best setting")
  boolean submit;

  @Option(names = "--collect", description = "build report.json and report.md from the sweep's finished jobs")
  boolean collect;

  @Option(names = "--partial", description = "--collect: write the variants whose final runs are all done and name "
      + "the others as pending, instead of refusing until every final run is done")
  boolean partial;

  @Option(names = "--url", description = "daemon URL for --submit and --collect (default: provpt.daemon.url)")
  String url;

  @Option(names = "--out", description = "--collect: the report's directory (default: <out>/<name>-sweep-<id>); "
      + "it receives report.json, report.md, commands.txt and each final run's summary.json, metrics.jsonl and "
      + "config.conf in <variant>-seed<N>/ (final-seed<N>/ without variants)")
  Path out;

  @Option(names = "--configs", description = "where the ready experiment files go, one per variant (or one named "
      + "after the method): DIR/<variant>.conf with the chosen base-lr and weight-decay (default: the sweep's "
      + "directory/configs)")
  Path configs;

  @Override
  public Integer call() throws Exception {
    Path file = Main.experimentOrDefault(experiment.configFile);
    Sweep sweep = new Sweep(file, experiment.overrides);
    if (submit || collect) {
      return new SweepJobs(sweep, url, partial).run(submit, configs, out != null ? out
          : ExperimentSettings.from(ConfigLoader.load(file, experiment.overrides)).out().resolve(
              ExperimentSettings.from(ConfigLoader.load(file, experiment.overrides)).name() + "-sweep-" + sweep.id()));
    }
    if (dryRun) {
      sweep.gridRuns().forEach(r -> System.out.println(r.name() + " " + r.overrides()));
      if (sweep.variants().isEmpty()) {
        System.out.println("then final-seed<N> for each seed " + sweep.seeds()
            + ", with the best grid setting, on train+val");
      } else {
        sweep.variants().forEach(v -> System.out.println("then " + v.name() + "-seed<N> for each seed " + v.seeds()
            + ", with the best grid setting, on train+val: " + v.overrides()));
      }
      return 0;
    }
    ExperimentSettings settings = ExperimentSettings.from(ConfigLoader.load(file, experiment.overrides));
    Path directory = settings.out().resolve(settings.name() + "-sweep-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Map<String, Object> report = sweep.run(directory, configs, System.err::println);
    printReport(report, directory.resolve("report.md"));
    return 0;
  }

  /** One line per variant (or one for the sweep): the chosen setting and test accuracy over seeds. */
  static void printReport(Map<String, Object> report, Path markdown) {
    if (!report.containsKey("variants")) {
      System.out.printf("chosen %s: test acc %.4f ± %.4f over seeds %s -> %s%n", report.get("chosen"),
          (Double) report.get("test_acc_mean"), (Double) report.get("test_acc_std"), report.get("seeds"), markdown);
      return;
    }
    System.out.printf("chosen %s (grid shared by every variant), seeds %s -> %s%n", report.get("chosen"),
        report.get("seeds"), markdown);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) report.get("variants");
    for (Map<String, Object> r : rows) {
      System.out.printf("  %s: test acc %.4f ± %.4f over seeds %s%n", r.get("variant"),
          (Double) r.get("test_acc_mean"), (Double) r.get("test_acc_std"), r.get("seeds"));
    }
  }
}
