package dev.provpt.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.provpt.config.ConfigLoader;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunService;
import dev.provpt.stats.Moments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Methods side by side on one task: every variant (a name and its overrides of one experiment)
 * run with every seed; test accuracy as mean ± sample std, paired differences to the first
 * variant per seed, and the median epoch time. A run already finished (its summary.json exists)
 * is read, not run again, so an interrupted comparison continues where it stopped.
 */
public final class Comparison {
  public static final String JSON_FILE = "compare.json";
  public static final String MARKDOWN_FILE = "compare.md";

  /** One variant: {@code name} and the overrides that make it. */
  public record Variant(String name, List<String> overrides) {
    /** {@code name:key=value,key=value} (the provpt. prefix may be left out). */
    public static Variant parse(String text) {
      int colon = text.indexOf(':');
      if (colon < 1) {
        throw new IllegalArgumentException("a variant is NAME:key=value,key=value, got " + text);
      }
      String rest = text.substring(colon + 1);
      return new Variant(text.substring(0, colon), rest.isBlank() ? List.of() : List.of(rest.split(",")));
    }
  }

  /** One variant's results over the seeds. */
  public record Row(String variant, List<String> overrides, List<Long> seeds, List<Double> testAccuracy,
      double testMean, double testStd, List<Double> differenceToFirst, double differenceMean, double differenceStd,
      double bestValMean, double medianEpochSeconds, double relocationsMean) {}

  private final Path experiment;
  private final List<String> overrides;
  private final List<Variant> variants;
  private final List<Long> seeds;
  private final RunPacking packing;

  public Comparison(Path experiment, List<String> overrides, List<Variant> variants, List<Long> seeds) {
    if (variants.isEmpty() || seeds.isEmpty()) {
      throw new IllegalArgumentException("a comparison needs at least one variant and one seed");
    }
    this.experiment = experiment;
    this.overrides = List.copyOf(overrides);
    this.variants = List.copyOf(variants);
    this.seeds = List.copyOf(seeds);
    this.packing = RunPacking.of(ConfigLoader.load(experiment, overrides));
  }

  /** Runs (or reads) every variant × seed under {@code directory}; writes compare.json and compare.md. */
  public List<Row> run(Path directory, Consumer<String> progress) throws IOException {
    // every variant x seed, concurrent-runs at a time (provpt.sweep.concurrent-runs)
    List<Callable<Map<String, Object>>> tasks = new ArrayList<>();
    for (Variant variant : variants) {
      for (long seed : seeds) {
        Path runDirectory = directory.resolve(variant.name() + "-seed" + seed);
        tasks.add(() -> summaryOf(variant, seed, runDirectory, progress));
      }
    }
    List<Map<String, Object>> summaries;
    try {
      summaries = packing.runAll(tasks);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    List<Map<Long, Map<String, Object>>> results = new ArrayList<>();
    int next = 0;
    for (int v = 0; v < variants.size(); v++) {
      Map<Long, Map<String, Object>> bySeed = new LinkedHashMap<>();
      for (long seed : seeds) {
        bySeed.put(seed, summaries.get(next++));
      }
      results.add(bySeed);
    }
    List<Row> rows = new ArrayList<>();
    for (int v = 0; v < variants.size(); v++) {
      Map<Long, Map<String, Object>> bySeed = results.get(v);
      List<Double> test = seeds.stream().map(s -> number(bySeed.get(s), "test_acc")).toList();
      List<Double> first = seeds.stream().map(s -> number(results.get(0).get(s), "test_acc")).toList();
      List<Double> difference = new ArrayList<>();
      for (int i = 0; i < test.size(); i++) {
        difference.add(test.get(i) - first.get(i));
      }
      List<Double> epochSeconds = new ArrayList<>();
      for (long seed : seeds) {
        for (EpochRecord e : RunDirectory.readEpochs(directory.resolve(variants.get(v).name() + "-seed" + seed))) {
          epochSeconds.add(e.seconds());
        }
      }
      rows.add(new Row(variants.get(v).name(), variants.get(v).overrides(), seeds, test, Moments.mean(test),
          Moments.sampleStd(test), difference, Moments.mean(difference), Moments.sampleStd(difference),
          Moments.mean(seeds.stream().map(s -> number(bySeed.get(s), "best_val_acc")).toList()), median(epochSeconds),
          Moments.mean(seeds.stream().map(s -> number(bySeed.get(s), "relocations")).toList())));
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("experiment", experiment == null ? null : experiment.toString());
    json.put("overrides", overrides);
    json.put("rows", rows);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve(JSON_FILE).toFile(), json);
    Files.writeString(directory.resolve(MARKDOWN_FILE), markdown(rows));
    return rows;
  }

  private Map<String, Object> summaryOf(Variant variant, long seed, Path runDirectory, Consumer<String> progress)
      throws IOException {
    Path summary = runDirectory.resolve(RunDirectory.SUMMARY);
    if (!Files.isRegularFile(summary)) {
      List<String> all = new ArrayList<>(packing.overrides());
      all.addAll(overrides);
      all.addAll(variant.overrides());
      all.add("seed=" + seed);
      progress.accept("compare: " + variant.name() + " seed " + seed + " -> " + runDirectory);
      RunOutcome outcome = RunService.run(ConfigLoader.load(experiment, all), RunDirectory.at(runDirectory));
      if (!outcome.succeeded()) {
        throw new IllegalStateException(variant.name() + " seed " + seed + " failed: " + outcome.error());
      }
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> read = new ObjectMapper().readValue(summary.toFile(), Map.class);
    return read;
  }

  /** The comparison table in markdown. */
  public String markdown(List<Row> rows) {
    StringBuilder md = new StringBuilder(String.format("Seeds %s; test accuracy as mean ± sample std; the "
        + "difference is paired by seed against `%s`.%n%n", seeds, rows.get(0).variant()));
    md.append("| variant | overrides | test acc | Δ vs first (paired) | best val acc | relocations | median epoch s |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      md.append(String.format("| %s | `%s` | %.4f ± %.4f | %+.4f ± %.4f | %.4f | %.1f | %.2f |%n", r.variant(),
          String.join(" ", r.overrides()), r.testMean(), r.testStd(), r.differenceMean(), r.differenceStd(),
          r.bestValMean(), r.relocationsMean(), r.medianEpochSeconds()));
    }
    return md.toString();
  }

  private static double number(Map<String, Object> summary, String key) {
    Object value = summary.get(key);
    if (!(value instanceof Number n)) {
      throw new IllegalStateException("summary has no number " + key + ": " + summary);
    }
    return n.doubleValue();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
  }
}
