package dev.provpt.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.provpt.stats.Moments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's report: report.json (the choice, the test accuracy over seeds, per variant with variants, the grid and
 * final rows and the search's evidence) and report.md (the same as tables), built from the rows {@link Sweep} and
 * {@code provpt sweep --collect} gather.
 */
public final class SweepReport {
  private SweepReport() {}

  /**
   * Writes report.json and report.md under {@code directory} from the grid's and the final runs' rows, with the
   * grid's choice {@code best} and {@code evidence} written after the grid rows: the grid runs' curves
   * ({@code grid_curves}) and, when ASHA searched the grid, its section ({@code asha}); returns report.json's content.
   */
  public static Map<String, Object> write(Sweep sweep, Path directory, List<Map<String, Object>> grid,
      List<Map<String, Object>> finals, Map<String, Object> best, Map<String, Object> evidence) throws IOException {
    Files.createDirectories(directory);
    Map<String, Object> report = json(sweep, grid, finals, best, evidence);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve("report.json").toFile(),
        report);
    Files.writeString(directory.resolve("report.md"), markdown(report, grid));
    return report;
  }

  static Map<String, Object> json(Sweep sweep, List<Map<String, Object>> grid, List<Map<String, Object>> finals,
      Map<String, Object> best, Map<String, Object> evidence) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("experiment", sweep.experiment() == null ? null : sweep.experiment().toString());
    report.put("sweep_id", sweep.id());
    Map<String, Object> chosen = new LinkedHashMap<>(); // in this order in every report, not Map.of's
    chosen.put("base_lr", ((Number) best.get("base_lr")).doubleValue());
    chosen.put("weight_decay", ((Number) best.get("weight_decay")).doubleValue());
    chosen.put("val_acc", best.get("best_val_acc"));
    report.put("chosen", chosen);
    if (sweep.variants().isEmpty()) {
      List<Double> testAccuracies = testAccuracies(finals);
      report.put("test_acc_mean", Moments.mean(testAccuracies));
      report.put("test_acc_std", Moments.sampleStd(testAccuracies));
      report.put("test_acc_per_seed", testAccuracies);
    } else {
      report.put("grid_searched_with", "the base experiment (method " + sweep.baseMethod() + "), once; its choice is "
          + "shared by every variant");
      report.put("base_method", sweep.baseMethod());
      report.put("base_variant", sweep.baseVariant());
      variants(report, sweep.variants(), finals);
    }
    report.put("seeds", sweep.seeds());
    report.put("grid", grid);
    report.putAll(evidence);
    report.put("final", finals);
    return report;
  }

  /**
   * Each variant's test accuracy over its seeds (its own, else the sweep's); those without a finished run as pending
   * (collected with --partial).
   */
  private static void variants(Map<String, Object> report, List<Sweep.Variant> variants,
      List<Map<String, Object>> finals) {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (Sweep.Variant v : variants) {
      List<Double> test = testAccuracies(finals.stream().filter(r -> v.name().equals(r.get("variant"))).toList());
      if (test.isEmpty()) {
        pending.add(v.name());
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("variant", v.name());
      row.put("overrides", v.overrides());
      row.put("seeds", v.seeds());
      row.put("test_acc_mean", Moments.mean(test));
      row.put("test_acc_std", Moments.sampleStd(test));
      row.put("test_acc_per_seed", test);
      rows.add(row);
    }
    report.put("variants", rows);
    if (!pending.isEmpty()) {
      report.put("pending_variants", pending);
    }
  }

  private static List<Double> testAccuracies(List<Map<String, Object>> finals) {
    List<Double> testAccuracies = new ArrayList<>();
    for (Map<String, Object> row : finals) {
      testAccuracies.add((Double) row.get("test_acc"));
    }
    return testAccuracies;
  }

  /** report.md: the grid, ASHA's section when it searched, then the choice and the test accuracy (per variant). */
  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> report, List<Map<String, Object>> grid) {
    StringBuilder md = new StringBuilder("# Sweep report\n\nWritten by `provpt sweep`.\n\n| base-lr | weight decay | best val acc |\n|---|---|---|\n");
    for (Map<String, Object> g : grid) {
      md.append(String.format("| %s | %s | %.4f |%n", g.get("base_lr"), g.get("weight_decay"), (Double) g.get("best_val_acc")));
    }
    if (report.get("asha") instanceof Map<?, ?> section) {
      md.append(AshaGrid.markdown((Map<String, Object>) section, grid));
    }
    if (!report.containsKey("variants")) {
      md.append(String.format("%nChosen: %s. Test accuracy over seeds %s: **%.4f ± %.4f** (mean ± sample std).%n",
          report.get("chosen"), report.get("seeds"), (Double) report.get("test_acc_mean"), (Double) report.get("test_acc_std")));
      return md.toString();
    }
    md.append(String.format("%nChosen: %s. The grid was searched once with %s; every variant below was trained with "
        + "that choice on train+val (it was not searched per variant).%n%nTest accuracy over each variant's seeds "
        + "(its own, else the sweep's %s; mean ± sample std):%n%n"
        + "| variant | overrides | seeds | test acc | per seed |%n|---|---|---|---|---|%n", report.get("chosen"),
        report.get("grid_searched_with"), report.get("seeds")));
    for (Map<String, Object> r : (List<Map<String, Object>>) report.get("variants")) {
      List<Double> perSeed = (List<Double>) r.get("test_acc_per_seed");
      List<String> overrides = (List<String>) r.get("overrides");
      md.append(String.format(Locale.ROOT, "| %s | `%s` | %s | **%.4f ± %.4f** | %s |%n", r.get("variant"),
          String.join(" ", overrides), r.get("seeds"), (Double) r.get("test_acc_mean"), (Double) r.get("test_acc_std"),
          String.join(", ", perSeed.stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).toList())));
    }
    if (report.containsKey("pending_variants")) {
      md.append(String.format("%nNot done when this report was collected (--partial): %s.%n",
          report.get("pending_variants")));
    }
    return md.toString();
  }
}
