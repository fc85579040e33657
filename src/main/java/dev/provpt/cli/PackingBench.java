package dev.provpt.cli;

import dev.provpt.config.ConfigLoader;
import dev.provpt.report.RunDirectory;
import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunService;
import dev.provpt.sweep.RunPacking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Sweep throughput: the same runs (the experiment with {@code train.epochs = E}, seeds 1..N)
 * packed as {@code RUNSxTHREADS} layouts — N runs, RUNS at a time, each TensorFlow session with
 * THREADS threads — through {@link RunPacking}, which provpt sweep and compare use. Runs per hour
 * of each layout, and its ratio to the first. The first layout is measured again at the end (its
 * figure is the mean of both) so that a drift in the machine's load does not favour either end;
 * one untimed run first loads the backbone and the task into the process's cache.
 */
final class PackingBench {
  private PackingBench() {}

  static Map<String, Object> measure(Path experiment, List<String> layouts, int runs, int epochs) throws Exception {
    Path scratch = Files.createTempDirectory("provpt-packing");
    List<String> common = List.of("train.epochs=" + epochs, "name=packing");
    run(experiment, scratch.resolve("warm-up"), List.of("train.epochs=1", "name=packing"));
    List<double[]> seconds = new ArrayList<>();
    for (String layout : layouts) {
      seconds.add(new double[] {wall(experiment, scratch.resolve(layout + "-a"), common, parse(layout), runs)});
    }
    double again = wall(experiment, scratch.resolve(layouts.get(0) + "-b"), common, parse(layouts.get(0)), runs);
    double first = (seconds.get(0)[0] + again) / 2;
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("benchmark", "packing");
    line.put("experiment", experiment.toString());
    line.put("runs_per_layout", runs);
    line.put("epochs_per_run", epochs);
    line.put("cores", Runtime.getRuntime().availableProcessors());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < layouts.size(); i++) {
      double s = i == 0 ? first : seconds.get(i)[0];
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("layout", layouts.get(i));
      row.put("wall_s", round(s));
      if (i == 0) {
        row.put("wall_s_runs", List.of(round(seconds.get(0)[0]), round(again)));
      }
      row.put("runs_per_hour", round(runs * 3600 / s));
      row.put("throughput_vs_first", round(first / s));
      rows.add(row);
    }
    line.put("layouts", rows);
    return line;
  }

  /** {@code RUNSxTHREADS}, e.g. 2x1. */
  static RunPacking parse(String layout) {
    String[] parts = layout.split("x");
    if (parts.length != 2) {
      throw new IllegalArgumentException("a packing layout is RUNSxTHREADS (e.g. 2x1), got " + layout);
    }
    return new RunPacking(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  private static double wall(Path experiment, Path directory, List<String> common, RunPacking packing, int runs)
      throws Exception {
    List<Callable<RunOutcome>> tasks = new ArrayList<>();
    for (int seed = 1; seed <= runs; seed++) {
      List<String> overrides = new ArrayList<>(common);
      overrides.addAll(packing.overrides());
      overrides.add("seed=" + seed);
      Path runDirectory = directory.resolve("seed" + seed);
      tasks.add(() -> run(experiment, runDirectory, overrides));
    }
    long started = System.nanoTime();
    packing.runAll(tasks);
    return (System.nanoTime() - started) / 1e9;
  }

  private static RunOutcome run(Path experiment, Path directory, List<String> overrides) {
    RunOutcome outcome = RunService.run(ConfigLoader.load(experiment, overrides), RunDirectory.at(directory));
    if (!outcome.succeeded()) {
      throw new IllegalStateException("packing benchmark run failed: " + outcome.error());
    }
    return outcome;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
