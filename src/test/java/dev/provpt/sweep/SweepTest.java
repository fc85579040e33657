package dev.provpt.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
  @TempDir
  Path tmp;

  @Test
  void aSweepExpandsIntoGridAndSeedRunsAndReportsMeanAndStd() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path experiment = tmp.resolve("sweep.conf");
    Files.writeString(experiment, String.join("\n", "provpt {", "  backbone = \"" + backbone + "\"",
        "  method = vpt-deep", "  train.epochs = 1", "  train.batch-size = 16", "  prompts.per-block = 1",
        "  data { train-size = 40, val-size = 20, shapes.pool-per-class = 6, shapes.test-per-class = 3 }",
        "  sweep { base-lr = [0.1, 1.0], weight-decay = [0, 0.001], seeds = [1, 2] }", "}", ""));
    Sweep sweep = new Sweep(experiment, List.of());
    var grid = sweep.gridRuns();
    assertEquals(4, grid.size());
    assertTrue(grid.get(3).overrides().containsAll(List.of("train.base-lr=1.0", "train.weight-decay=0.001", "seed=1",
        "data.train-on-train-val=false")), grid.get(3).toString());
    assertEquals(List.of("final-seed1", "final-seed2"), sweep.finalRuns(0.1, 0).stream().map(Sweep.RunSpec::name).toList());

    Path out = tmp.resolve("out");
    var report = sweep.run(out, line -> { });
    ObjectMapper json = new ObjectMapper();
    // the choice is the grid run with the best validation accuracy (first one on ties)
    double bestVal = -1;
    String bestRun = null;
    for (var spec : grid) {
      JsonNode summary = json.readTree(out.resolve(spec.name()).resolve("summary.json").toFile());
      if (summary.get("best_val_acc").asDouble() > bestVal) {
        bestVal = summary.get("best_val_acc").asDouble();
        bestRun = spec.name();
      }
    }
    JsonNode chosen = json.readTree(out.resolve(bestRun).resolve("summary.json").toFile());
    @SuppressWarnings("unchecked")
    var chosenReport = (java.util.Map<String, Object>) report.get("chosen");
    assertEquals(chosen.get("learning_rate").asDouble() * 256 / 16, ((Number) chosenReport.get("base_lr")).doubleValue(), 1e-9);
    // final runs trained on train+val (40 + 20) with each seed, test mean ± sample std over them
    List<Double> tests = new ArrayList<>();
    for (long seed : List.of(1L, 2L)) {
      JsonNode summary = json.readTree(out.resolve("final-seed" + seed).resolve("summary.json").toFile());
      assertEquals(60, summary.get("train_size").asInt());
      assertEquals(seed, summary.get("seed").asLong());
      tests.add(summary.get("test_acc").asDouble());
    }
    double mean = (tests.get(0) + tests.get(1)) / 2;
    double std = Math.abs(tests.get(0) - tests.get(1)) / Math.sqrt(2);
    assertEquals(mean, (Double) report.get("test_acc_mean"), 1e-12);
    assertEquals(std, (Double) report.get("test_acc_std"), 1e-12);
    assertTrue(Files.readString(out.resolve("report.md")).contains(String.format("%.4f ± %.4f", mean, std)));
    // the grid runs' curves are kept: one epoch each here, its val accuracy the row's best
    JsonNode written = json.readTree(out.resolve("report.json").toFile());
    for (int i = 0; i < grid.size(); i++) {
      JsonNode curve = written.get("grid_curves").get(i);
      assertEquals(grid.get(i).name(), curve.get("run").asText());
      assertEquals(written.get("grid").get(i).get("best_val_acc").asDouble(), curve.get("val_acc").get(0).asDouble(), 0);
      assertEquals(1, curve.get("train_loss").size());
    }
  }

  /** The experiment settings without {@code source} (the raw Config, which also holds the sweep section). */
  static List<Object> comparable(dev.provpt.config.ExperimentSettings s) {
    return List.of(s.name(), s.seed(), s.out(), s.backbone(), s.data(), s.method(), s.prompts(), s.train(),
        s.proVpt(), s.ppo(), s.tensorflowThreads(), s.precision(), s.xla(), s.keptCheckpoints());
  }

  private Path variantsExperiment(Path backbone, String extra) throws Exception {
    return Files.writeString(tmp.resolve("variants.conf"), String.join("\n", "provpt {", "  name = small",
        "  backbone = \"" + backbone + "\"", "  method = vpt-deep", "  train.epochs = 1", "  train.batch-size = 16",
        "  prompts.per-block = 1", "  tensorflow-threads = 1",
        "  data { train-size = 40, val-size = 20, shapes.pool-per-class = 6, shapes.test-per-class = 3 }",
        "  sweep {", "    base-lr = [0.1, 1.0], weight-decay = [0], seeds = [1, 2]",
        "    variants {", "      vpt-deep { method = vpt-deep }",
        "      random-thompson { method = pro-vpt, pro-vpt { prune = random, allocate = thompson } }", extra, "    }",
        "  }", "}", ""));
  }

  @Test
  void variantsShareTheGridsChoiceRunEverySeedAndWriteFilesThatReproduceTheFinalRuns() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path experiment = variantsExperiment(backbone, "");
    Sweep sweep = new Sweep(experiment, List.of());
    // written order, not alphabetical
    assertEquals(List.of("vpt-deep", "random-thompson"), sweep.variants().stream().map(Sweep.Variant::name).toList());
    assertEquals(2, sweep.gridRuns().size(), "the grid is the base experiment's, once");
    assertEquals(List.of("vpt-deep-seed1", "vpt-deep-seed2", "random-thompson-seed1", "random-thompson-seed2"),
        sweep.finalRuns(0.1, 0).stream().map(Sweep.RunSpec::name).toList());

    Path out = tmp.resolve("out");
    Path configs = tmp.resolve("configs");
    var report = sweep.run(out, configs, line -> { });
    ObjectMapper json = new ObjectMapper();
    @SuppressWarnings("unchecked")
    var chosen = (java.util.Map<String, Object>) report.get("chosen");
    double lr = ((Number) chosen.get("base_lr")).doubleValue();
    for (String variant : List.of("vpt-deep", "random-thompson")) {
      for (long seed : List.of(1L, 2L)) {
        JsonNode summary = json.readTree(out.resolve(variant + "-seed" + seed).resolve("summary.json").toFile());
        assertEquals(60, summary.get("train_size").asInt(), "final runs train on train+val");
        assertEquals(seed, summary.get("seed").asLong());
        assertEquals(variant.equals("vpt-deep") ? "vpt-deep" : "pro-vpt", summary.get("method").asText());
        assertEquals(lr * 16 / 256, summary.get("learning_rate").asDouble(), 1e-12, "every variant uses the grid's choice");
      }
    }
    assertFalse(Files.exists(out.resolve("final-seed1")));
    JsonNode written = json.readTree(out.resolve("report.json").toFile());
    assertEquals(2, written.get("variants").size());
    for (JsonNode row : written.get("variants")) {
      List<Double> tests = new ArrayList<>();
      for (long seed : List.of(1L, 2L)) {
        tests.add(json.readTree(out.resolve(row.get("variant").asText() + "-seed" + seed).resolve("summary.json")
            .toFile()).get("test_acc").asDouble());
      }
      assertEquals((tests.get(0) + tests.get(1)) / 2, row.get("test_acc_mean").asDouble(), 1e-12);
      assertEquals(Math.abs(tests.get(0) - tests.get(1)) / Math.sqrt(2), row.get("test_acc_std").asDouble(), 1e-12);
      assertEquals(2, row.get("test_acc_per_seed").size());
    }
    assertEquals("vpt-deep", written.get("base_method").asText());
    assertEquals("vpt-deep", written.get("base_variant").asText());
    String md = Files.readString(out.resolve("report.md"));
    assertTrue(md.contains("| random-thompson |") && md.contains("searched once with"), md);

    // provpt report sees the variants' final runs, not the grid
    var results = dev.provpt.results.ResultsReport.read(List.of(out));
    assertEquals(4, results.runs().size(), results.runs().toString());
    assertTrue(results.runs().stream().noneMatch(r -> r.directory().getFileName().toString().startsWith("grid-")));
    // (this fixture's experiment has 1 prompt per block, which names the configurations)
    assertEquals(java.util.Set.of("vpt-deep (per-block=1)", "pro-vpt (prune=random, allocate=thompson, per-block=1)"),
        results.runs().stream().map(dev.provpt.results.RunResult::configuration).collect(java.util.stream.Collectors.toSet()));

    // the ready files: loaded as provpt run -c FILE --set seed=N loads them, they are the final runs' settings
    for (var spec : sweep.finalRuns(lr, ((Number) chosen.get("weight_decay")).doubleValue())) {
      Path file = configs.resolve(spec.variant() + ".conf");
      String text = Files.readString(file);
      assertTrue(text.contains("sweep " + sweep.id()) && text.contains("val accuracy"), text);
      var parsed = com.typesafe.config.ConfigFactory.parseFile(file.toFile());
      assertFalse(parsed.hasPath("provpt.sweep"), text);
      assertTrue(parsed.getBoolean("provpt.data.train-on-train-val"), text);
      long seed = Long.parseLong(spec.name().substring(spec.name().lastIndexOf("seed") + 4));
      var fromFile = dev.provpt.config.ExperimentSettings.from(dev.provpt.config.ConfigLoader.load(file,
          seed == 1 ? List.of() : List.of("seed=" + seed)));
      var finalRun = dev.provpt.config.ExperimentSettings.from(dev.provpt.config.ConfigLoader.load(experiment,
          spec.overrides()));
      assertEquals(comparable(finalRun), comparable(fromFile), spec.name());
    }
  }

  /**
   * The base variant is the one that changes nothing but (at most) the method to the base's own: not the base method
   * at another prompt count, written before it; none when every variant changes something.
   */
  @Test
  void theBaseVariantChangesNothingButTheMethodToTheBasesOwn() throws Exception {
    assertEquals("vpt-deep", new Sweep(withVariants(
        "vpt-deep-8-per-block { method = vpt-deep, prompts.per-block = 8 }", "vpt-deep { method = vpt-deep }",
        "pro-vpt { method = pro-vpt }"), List.of()).baseVariant());
    assertEquals("plain", new Sweep(withVariants("pro-vpt { method = pro-vpt }",
        "plain { }"), List.of()).baseVariant());
    assertEquals(null, new Sweep(withVariants("pro-vpt { method = pro-vpt }",
        "vpt-deep-100-epochs { method = vpt-deep, train.epochs = 100 }"), List.of()).baseVariant());
  }

  private Path withVariants(String... variants) throws Exception {
    return Files.writeString(tmp.resolve("base.conf"), String.join("\n", "provpt {", "  method = vpt-deep",
        "  sweep { base-lr = [0.1], weight-decay = [0], seeds = [1, 2], variants {", String.join("\n", variants),
        "  } }", "}", ""));
  }

  @Test
  void aVariantWithATypoOrAReservedKeyOrNameIsRefusedBeforeAnythingRuns() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    var typo = assertThrows(dev.provpt.config.SettingsException.class, () -> new Sweep(variantsExperiment(backbone,
        "      bad { pro-vpt.prunning = random }"), List.of()));
    assertTrue(typo.getMessage().contains("sweep variant bad") && typo.getMessage().contains("prunning"),
        typo.getMessage());
    var reserved = assertThrows(dev.provpt.config.SettingsException.class, () -> new Sweep(variantsExperiment(backbone,
        "      fixed { train.base-lr = 2 }"), List.of()));
    assertTrue(reserved.getMessage().contains("train.base-lr"), reserved.getMessage());
    var name = assertThrows(dev.provpt.config.SettingsException.class, () -> new Sweep(variantsExperiment(backbone,
        "      grid-x { method = linear }"), List.of()));
    assertTrue(name.getMessage().contains("grid-"), name.getMessage());
  }

  /**
   * A variant with its own seeds (the ablations' three against the protocol's five): its final runs are those seeds,
   * {@code seeds} is no override of the experiment, the sweep's id is that of the same sweep without the variant, and
   * its report row and ready file name its seeds.
   */
  @Test
  void aVariantWithItsOwnSeedsHasFinalRunsForThoseSeedsOnly() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    String before = new Sweep(variantsExperiment(backbone, ""), List.of()).id();
    Path experiment = variantsExperiment(backbone, "      three { method = pro-vpt, seeds = [3, 1, 4] }");
    Sweep sweep = new Sweep(experiment, List.of());
    assertEquals(before, sweep.id(), "variants, and their seeds, are no part of the sweep's id");
    assertEquals(List.of(1L, 2L), sweep.seeds());
    assertEquals(List.of(3L, 1L, 4L), sweep.seedsOf("three"));
    assertEquals(List.of(1L, 2L), sweep.seedsOf("vpt-deep"), "without seeds, provpt.sweep.seeds");
    List<Sweep.RunSpec> finals = sweep.finalRuns(0.1, 0);
    assertEquals(List.of("vpt-deep-seed1", "vpt-deep-seed2", "random-thompson-seed1", "random-thompson-seed2",
        "three-seed3", "three-seed1", "three-seed4"), finals.stream().map(Sweep.RunSpec::name).toList());
    Sweep.RunSpec four = finals.get(6);
    assertEquals("three", four.variant());
    assertTrue(four.overrides().contains("seed=4") && four.overrides().contains("method=\"pro-vpt\""),
        four.overrides().toString());
    assertTrue(four.overrides().stream().noneMatch(o -> o.startsWith("seeds")), four.overrides().toString());
    assertEquals(List.of("method=\"pro-vpt\""), sweep.variants().get(2).overrides());
    var job = dev.provpt.config.ExperimentSettings.from(dev.provpt.config.ConfigLoader.parse(sweep.jobText(four),
        four.name(), List.of()));
    assertEquals(4L, job.seed());
    assertEquals("pro-vpt", job.method().key);

    // the report: a row per variant over its own seeds, complete with its three runs
    List<java.util.Map<String, Object>> rows = new ArrayList<>();
    for (Sweep.RunSpec spec : finals) {
      var settings = dev.provpt.config.ExperimentSettings.from(dev.provpt.config.ConfigLoader.load(experiment,
          spec.overrides()));
      rows.add(Sweep.row(spec, settings, java.util.Map.of("best_val_acc", 0.5, "test_acc", 0.1 * settings.seed())));
    }
    var best = new java.util.LinkedHashMap<String, Object>(java.util.Map.of("run", "grid-lr0.1-wd0.0", "base_lr", 0.1,
        "weight_decay", 0.0, "best_val_acc", 0.5));
    var report = SweepReport.json(sweep, List.of(best), rows, best, java.util.Map.of());
    @SuppressWarnings("unchecked")
    var variantRows = (List<java.util.Map<String, Object>>) report.get("variants");
    assertFalse(report.containsKey("pending_variants"), report.toString());
    assertEquals(List.of(3L, 1L, 4L), variantRows.get(2).get("seeds"));
    assertEquals(3, ((List<?>) variantRows.get(2).get("test_acc_per_seed")).size());
    assertEquals((0.3 + 0.1 + 0.4) / 3, (Double) variantRows.get(2).get("test_acc_mean"), 1e-12);
    assertEquals(List.of(1L, 2L), variantRows.get(0).get("seeds"));
    String md = SweepReport.markdown(report, List.of(best));
    assertTrue(md.contains("| three | `method=\"pro-vpt\"` | [3, 1, 4] | **0.2667 ± "), md);
    // --partial: a variant none of whose runs is done is pending, the others are reported
    var partial = SweepReport.json(sweep, List.of(best), rows.subList(0, 4), best, java.util.Map.of());
    assertEquals(List.of("three"), partial.get("pending_variants"));

    // the ready file runs the variant's first seed and names its seeds
    new ReadyConfigs(sweep).write(tmp.resolve("configs"), best);
    String ready = Files.readString(tmp.resolve("configs/three.conf"));
    assertTrue(ready.contains("seeds [3, 1, 4]") && ready.contains("(this file: seed 3)"), ready);
    assertEquals(3L, dev.provpt.config.ExperimentSettings.from(dev.provpt.config.ConfigLoader.load(
        tmp.resolve("configs/three.conf"), List.of())).seed());
    assertTrue(Files.readString(tmp.resolve("configs/vpt-deep.conf")).contains("(this file: seed 1)"));
  }

  @Test
  void aVariantsSeedsMustBeANonEmptyListOfDistinctPositiveIntegers() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    for (String bad : List.of("[]", "[1, 1]", "[0, 1]", "[-2]", "[1.5]", "[\"1\"]", "3", "{ a = 1 }")) {
      var e = assertThrows(dev.provpt.config.SettingsException.class, () -> new Sweep(variantsExperiment(backbone,
          "      three { method = pro-vpt, seeds = " + bad + " }"), List.of()), bad);
      assertTrue(e.getMessage().contains("provpt.sweep.variants.three.seeds must be a non-empty list of distinct "
          + "positive integers"), bad + ": " + e.getMessage());
    }
  }

  /** Jobs an older provpt queued are found again: a setting of how, not what, is no part of the id. */
  @Test
  void theSweepIdIgnoresTheFeatureCacheButNotWhatTheRunsCompute() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path experiment = variantsExperiment(backbone, "");
    Sweep plain = new Sweep(experiment, List.of());
    Sweep uncached = new Sweep(experiment, List.of("train.cache-features=false"));
    Sweep longer = new Sweep(experiment, List.of("train.epochs=7"));
    assertEquals(plain.id(), uncached.id());
    Sweep asha = new Sweep(experiment, List.of("sweep.scheduler=asha", "sweep.asha.min-epochs=1", "sweep.asha.rungs=1"));
    assertEquals(plain.id(), asha.id(), "ASHA trains prefixes of the same grid runs");
    var typo = assertThrows(dev.provpt.config.SettingsException.class, () -> new Sweep(experiment,
        List.of("sweep.scheduler=ashaa")));
    assertTrue(typo.getMessage().contains("provpt.sweep.scheduler") && typo.getMessage().contains("[grid, asha]"),
        typo.getMessage());
    var unfit = assertThrows(dev.provpt.config.SettingsException.class, () -> new Sweep(experiment,
        List.of("sweep.scheduler=asha")));
    assertTrue(unfit.getMessage().contains("provpt.sweep.asha.min-epochs"), unfit.getMessage());
    assertFalse(plain.id().equals(longer.id()), "epochs change what is computed");
    // a key added later counts only where it is set to another value than its default
    assertEquals(plain.id(), new Sweep(experiment, List.of("data.folder.val-fraction=0")).id());
    assertFalse(plain.id().equals(new Sweep(experiment, List.of("data.folder.val-fraction=0.1")).id()));
    // the job still says what the user asked for
    var job = com.typesafe.config.ConfigFactory.parseString(uncached.jobText(uncached.gridRuns().get(0)));
    assertFalse(job.getBoolean("provpt.train.cache-features"));
  }
}
