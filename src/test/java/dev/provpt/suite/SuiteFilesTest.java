package dev.provpt.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.data.suite.SuiteTasks;
import dev.provpt.sweep.Sweep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** suite/: every sweep file parses (with its include of protocol.conf) and every run it expands into validates. */
class SuiteFilesTest {
  private static final Path SUITE = Path.of("suite");
  private static final List<String> ABLATION = List.of("digits", "letters-lowres", "count");
  private static final List<String> KINDS = List.of("deep", "linear", "pixels", "shallow");

  @Test
  void everyTaskHasItsFourSweepFilesAndEveryRunTheyExpandIntoIsValidLocallyAndAsADaemonJob() throws Exception {
    Sweep protocol = new Sweep(SUITE.resolve("protocol.conf"), List.of());
    int files = 0;
    for (String task : SuiteTasks.names()) {
      for (String kind : KINDS) {
        Path file = SUITE.resolve(task).resolve(kind + ".conf");
        assertTrue(Files.isRegularFile(file), file + " is missing");
        Sweep sweep = new Sweep(file, List.of());
        List<Sweep.RunSpec> runs = new ArrayList<>(sweep.gridRuns());
        assertEquals(protocol.gridRuns().size(), runs.size(), file + ": the protocol's grid");
        runs.addAll(sweep.finalRuns(1, 0));
        for (Sweep.RunSpec spec : runs) {
          ExperimentSettings local = ExperimentSettings.from(ConfigLoader.load(file, spec.overrides()));
          ExperimentSettings job = ExperimentSettings.from(ConfigLoader.parse(sweep.jobText(spec), spec.name(),
              List.of()));
          assertEquals(task, local.source().getString("provpt.data.suite.task"), file + " " + spec.name());
          assertEquals("suite", local.source().getString("provpt.data.kind"), file + " " + spec.name());
          assertEquals(local.train(), job.train(), file + " " + spec.name());
          assertEquals(local.method(), job.method(), file + " " + spec.name());
          assertEquals(local.proVpt(), job.proVpt(), file + " " + spec.name());
          assertEquals(protocol.seeds(), sweep.seeds());
        }
        List<String> variants = sweep.variants().stream().map(Sweep.Variant::name).toList();
        for (Sweep.Variant v : sweep.variants()) {
          // a variant with fewer seeds (the ablations' three) runs some of the protocol's, so that its comparisons
          // with the five-seed methods pair on every seed it has
          assertTrue(protocol.seeds().containsAll(v.seeds()), file + ": " + v.name() + "'s seeds " + v.seeds()
              + " are not among the protocol's " + protocol.seeds());
        }
        switch (kind) {
          case "deep" -> {
            assertEquals("vpt-deep", ExperimentSettings.from(ConfigLoader.load(file, List.of())).method().key);
            List<String> expected = new ArrayList<>(List.of("vpt-deep", "pro-vpt"));
            if (ABLATION.contains(task)) {
              assertTrue(variants.containsAll(expected), file + ": " + variants);
            } else {
              assertEquals(expected, variants, file.toString());
            }
          }
          case "linear", "pixels", "shallow" -> {
            assertEquals(List.of(), variants, file.toString());
            assertEquals(kind.equals("shallow") ? "vpt-shallow" : kind,
                ExperimentSettings.from(ConfigLoader.load(file, List.of())).method().key);
          }
          default -> throw new AssertionError(kind);
        }
        files++;
      }
    }
    assertEquals(36, files);
  }

  /**
   * The committed results belong to the sweep files as they are: each collected sweep's id (report.json) is the id
   * its file has today. A change to protocol.conf, a task file or a default of provpt that changes what the runs
   * compute changes the id, and the results then describe other runs: re-run the sweep. A new setting that only
   * changes how a run computes belongs in SweepJobText's NOT_IDENTITY instead.
   */
  @Test
  void theCommittedResultsWereMadeByTheSweepFilesAsTheyAreToday() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    int checked = 0;
    for (String task : SuiteTasks.names()) {
      for (String kind : KINDS) {
        Path report = Path.of("results", task, kind, "report.json");
        if (!Files.isRegularFile(report)) {
          continue;
        }
        String id = json.readTree(report.toFile()).get("sweep_id").asText();
        assertEquals(id, new Sweep(SUITE.resolve(task).resolve(kind + ".conf"), List.of()).id(),
            report + " was collected from another version of its sweep");
        checked++;
      }
    }
    // the suite is being re-run on models/glyph-bank-vit8 (the earlier backbone's results are archived)
    assertTrue(checked >= 9, "the suite's committed results: " + checked + " collected sweeps");
  }
}
