package dev.provpt.bench;

import dev.provpt.config.ConfigLoader;
import dev.provpt.rundir.RunDirectory;
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
 *
 * <p>A layout may carry settings of its own after a colon ({@code 1x2:train.cache-features=false}), so
 * that "before" and "after" a change are two layouts of one measurement. With a method mix
 * ({@code vpt-deep:3,linear:3}) the N runs are that mix (its methods in turn, seeds 1..N) instead of
 * N runs of the experiment's own method: a sweep's runs are not all alike.
 */
public final class PackingBench {
  private PackingBench() {}

  /** @param methods one entry per run: the method it runs, or null for the experiment's own */
  public static Map<String, Object> measure(Path experiment, List<String> layouts, List<String> methods, int epochs)
      throws Exception {
    int runs = methods.size();
    Path scratch = Files.createTempDirectory("provpt-packing");
    List<String> common = List.of("train.epochs=" + epochs, "name=packing");
    run(experiment, scratch.resolve("warm-up"), List.of("train.epochs=1", "name=packing"));
    List<double[]> seconds = new ArrayList<>();
    for (int i = 0; i < layouts.size(); i++) {
      seconds.add(new double[] {wall(experiment, scratch.resolve("layout" + i + "-a"), common, layouts.get(i),
          methods)});
    }
    double again = wall(experiment, scratch.resolve("layout0-b"), common, layouts.get(0), methods);
    double first = (seconds.get(0)[0] + again) / 2;
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("benchmark", "packing");
    line.put("experiment", experiment.toString());
    line.put("runs_per_layout", runs);
    if (methods.stream().anyMatch(m -> m != null)) {
      line.put("methods", methods);
    }
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

  /**
   * The runs of a method mix {@code METHOD:COUNT,...} in turn (deep, linear, deep, linear, deep, ...), so that
   * every part of a measurement sees a like share of each; {@code runs} nulls (the experiment's own method)
   * without one.
   */
  public static List<String> methods(List<String> mix, int runs) {
    if (mix.isEmpty()) {
      return java.util.Collections.nCopies(runs, null);
    }
    Map<String, Integer> left = new LinkedHashMap<>();
    for (String part : mix) {
      String[] kv = part.split(":");
      int count;
      try {
        count = kv.length == 2 ? Integer.parseInt(kv[1]) : -1;
      } catch (NumberFormatException e) {
        count = -1;
      }
      if (count < 1) {
        throw new IllegalArgumentException("a method mix is METHOD:COUNT,... with counts of at least 1 (e.g. "
            + "vpt-deep:3,linear:3), got " + part);
      }
      left.merge(kv[0], count, Integer::sum);
    }
    List<String> order = new ArrayList<>();
    while (left.values().stream().anyMatch(n -> n > 0)) {
      for (var e : left.entrySet()) {
        if (e.getValue() > 0) {
          order.add(e.getKey());
          e.setValue(e.getValue() - 1);
        }
      }
    }
    return order;
  }

  /** A layout's own settings: what follows its first ':' as key=value pairs separated by ';'. */
  public static List<String> settingsOf(String layout) {
    int colon = layout.indexOf(':');
    return colon < 0 ? List.of() : List.of(layout.substring(colon + 1).split(";"));
  }

  /** {@code RUNSxTHREADS}, e.g. 2x1, optionally followed by its own settings ({@code 1x2:key=value}). */
  public static RunPacking parse(String layout) {
    int colon = layout.indexOf(':');
    String[] parts = (colon < 0 ? layout : layout.substring(0, colon)).split("x");
    if (parts.length != 2) {
      throw new IllegalArgumentException("a packing layout is RUNSxTHREADS (e.g. 2x1), got " + layout);
    }
    return new RunPacking(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  private static double wall(Path experiment, Path directory, List<String> common, String layout,
      List<String> methods) throws Exception {
    RunPacking packing = parse(layout);
    List<Callable<RunOutcome>> tasks = new ArrayList<>();
    for (int seed = 1; seed <= methods.size(); seed++) {
      List<String> overrides = new ArrayList<>(common);
      overrides.addAll(packing.overrides());
      overrides.addAll(settingsOf(layout));
      if (methods.get(seed - 1) != null) {
        overrides.add("method=" + methods.get(seed - 1));
      }
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
