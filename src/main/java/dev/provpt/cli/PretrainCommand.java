package dev.provpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.Settings;
import dev.provpt.data.FashionMnist;
import dev.provpt.data.ImageSet;
import dev.provpt.data.pretrain.FractalGlyphs;
import dev.provpt.data.suite.LetterFonts;
import dev.provpt.model.Backbone;
import dev.provpt.model.Gelu;
import dev.provpt.model.VitConfig;
import dev.provpt.train.PretrainObjective;
import dev.provpt.train.PretrainState;
import dev.provpt.train.Pretrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Pre-trains a ViT from scratch and exports it as a backbone SavedModel, on Fashion-MNIST
 * ({@code data.kind = fashion-mnist}) or on generated fractals and glyphs disjoint from the suite
 * ({@code data.kind = fractal-glyphs}).
 */
@Command(name = "pretrain", description = "Train a small ViT on Fashion-MNIST or on generated fractals and glyphs "
    + "and export a backbone SavedModel.")
final class PretrainCommand implements Callable<Integer> {
  @Mixin
  ExperimentOptions experiment = new ExperimentOptions();

  @Option(names = "--export-state", description = "export the run's saved state (after its last finished epoch) "
      + "as the backbone, without training; pretrain.json marks it partial")
  boolean exportState;

  @Override
  public Integer call() throws Exception {
    Settings s = new Settings(ConfigLoader.load(experiment.configFile, experiment.overrides));
    String p = "provpt.pretrain.";
    String m = p + "model.";
    VitConfig config = modelConfig(s, m);
    Pretrainer.Recipe recipe = recipe(s, p);
    Path out = Path.of(s.string(p + "out"));
    String d = p + "data.";
    String kind = s.oneOf(d + "kind", List.of("fashion-mnist", "fractal-glyphs"));
    PretrainData pretrainData = kind.equals("fashion-mnist") ? fashionMnist(s, p, m, config)
        : fractalGlyphs(s, m, d, config);
    ImageSet test = pretrainData.test();
    Path stateDir = s.string(p + "state-dir").isEmpty() ? Path.of(out + ".state") : Path.of(s.string(p + "state-dir"));

    long started = System.nanoTime();
    double testAccuracy;
    List<Map<String, Object>> finished;
    String fingerprint = config.describe() + " " + recipe + " " + pretrainData.key();
    try (Pretrainer pretrainer = new Pretrainer(config, recipe.seed(), recipe.objective())) {
      PretrainState saved = PretrainState.read(stateDir, fingerprint);
      List<Map<String, Object>> epochs = new ArrayList<>(saved == null ? List.of() : saved.epochs());
      if (saved != null) {
        pretrainer.restore(saved.variables());
        System.err.println((exportState ? "exporting the state after epoch " : "resuming after epoch ")
            + epochs.size() + " from " + stateDir);
      } else if (exportState) {
        throw new IllegalArgumentException("--export-state: no saved state in " + stateDir);
      }
      if (!exportState) {
        pretrainer.train(pretrainData.trainFor(), test, recipe, epochs.size(), report -> {
          epochs.add(epochLine(report));
          PretrainState.write(stateDir, fingerprint, epochs, pretrainer.state());
        });
      }
      Backbone.export(out, config, pretrainer.weights());
      finished = epochs;
      testAccuracy = pretrainer.accuracy(test);
    }
    // Re-load the exported backbone: the accuracy we record is that of the files we ship.
    Backbone backbone = Backbone.load(out);
    double exportedAccuracy = UpstreamEvaluation.accuracy(backbone, test);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("architecture", config.describe());
    record.put("backbone_parameters", config.backboneParameters());
    record.put("data", pretrainData.description());
    record.put("recipe", recipeRecord(recipe, config));
    record.put("epochs", finished);
    if (exportState) {
      record.put("partial", "exported with --export-state after " + finished.size() + " of " + recipe.epochs()
          + " epochs");
    }
    record.put("test_accuracy_in_session", testAccuracy);
    record.put("test_accuracy_exported", exportedAccuracy);
    record.put("seconds", (System.nanoTime() - started) / 1e9);
    record.put("seconds_note", "this process only; a resumed run's earlier epochs are in epochs[].seconds");
    record.put("command", "provpt pretrain" + (experiment.configFile != null ? " -c " + experiment.configFile : "")
        + (experiment.overrides.isEmpty() ? "" : " --set " + String.join(" --set ", experiment.overrides)));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("pretrain.json").toFile(), record);
    System.out.printf("exported %s: upstream test accuracy %.4f (%s)%n", out, exportedAccuracy, out.resolve("pretrain.json"));
    return 0;
  }

  /** The data of {@code provpt.pretrain.data.kind = fashion-mnist}: the files under {@code data-dir}. */
  private static PretrainData fashionMnist(Settings s, String p, String m, VitConfig config) throws Exception {
    requireClasses(s, m, config, 10, "Fashion-MNIST has 10");
    Path dataDir = Path.of(s.string(p + "data-dir"));
    ImageSet train = FashionMnist.train(dataDir);
    ImageSet test = FashionMnist.test(dataDir);
    String data = "Fashion-MNIST train (60000) from " + dataDir + ", test (10000)";
    System.err.println("pre-training " + config.describe() + " on " + train.size() + " Fashion-MNIST images");
    return new PretrainData(epoch -> train, test, data, data);
  }

  /** The data of {@code provpt.pretrain.data.kind = fractal-glyphs}: generated, described for pretrain.json. */
  private static PretrainData fractalGlyphs(Settings s, String m, String d, VitConfig config) throws Exception {
    if (config.channels() != 1) {
      throw s.invalid(m + "channels", "1 for data.kind = fractal-glyphs (the images are grey)");
    }
    FractalGlyphs.GlyphSet glyphSet = !s.bool(d + "glyphs") ? FractalGlyphs.GlyphSet.NONE
        : FractalGlyphs.GlyphSet.of(s.oneOf(d + "glyph-set", List.of("core", "bank")));
    FractalGlyphs.Spec spec = new FractalGlyphs.Spec(s.intIn(d + "fractal-classes", 0, 100000),
        s.longValue(d + "fractal-seed"), glyphSet, s.intIn(d + "images-per-class", 1, 1_000_000),
        s.intIn(d + "test-images-per-class", 1, 1_000_000), s.longValue(d + "seed"), s.longValue(d + "suite-seed"),
        s.bool(d + "augment"));
    int known = FractalGlyphs.numClasses(spec);
    if (known > 0) {
      requireClasses(s, m, config, known, "the fractal-glyphs data has " + spec.fractalClasses() + " fractal + "
          + (known - spec.fractalClasses()) + " glyph classes = " + known);
    }
    long started = System.nanoTime();
    FractalGlyphs.Generator generator = FractalGlyphs.open(spec, LetterFonts.installed(), config.imageSize());
    requireClasses(s, m, config, generator.numClasses(), "the fractal-glyphs data has " + spec.fractalClasses()
        + " fractal + " + (generator.numClasses() - spec.fractalClasses()) + " glyph classes with the fonts installed");
    boolean fresh = s.bool(d + "fresh-each-epoch");
    ImageSet first = generator.train(0);
    ImageSet test = generator.test();
    double[] meanStd = FractalGlyphs.meanStd(first);
    Map<String, Object> description = new LinkedHashMap<>(generator.description());
    description.put("fresh_each_epoch", fresh);
    description.put("train_images_per_epoch", first.size());
    description.put("test_images", test.size());
    description.put("generation_seconds", (System.nanoTime() - started) / 1e9);
    description.put("train_pixel_mean", meanStd[0]);
    description.put("train_pixel_std", meanStd[1]);
    System.err.printf("generated %d + %d images of %d classes in %.1f s (pixel mean %.4f, std %.4f)%n", first.size(),
        test.size(), generator.numClasses(), (double) description.get("generation_seconds"), meanStd[0], meanStd[1]);
    System.err.println("pre-training " + config.describe() + " on " + first.size() + " fractal and glyph images"
        + (fresh ? " per epoch, fresh each epoch" : ""));
    return new PretrainData(epoch -> epoch == 0 || !fresh ? first : generator.train(epoch), test, description,
        spec + " fresh=" + fresh + " classes=" + generator.classNames());
  }

  /** The pre-training data: each epoch's training set, the held-out set, its description and its state key. */
  private record PretrainData(java.util.function.IntFunction<ImageSet> trainFor, ImageSet test, Object description,
      String key) {}

  /** One epoch printed, and as pretrain.json's and the saved state's line. */
  private static Map<String, Object> epochLine(Pretrainer.EpochReport report) {
    System.err.printf("epoch %d: train loss %.4f, train acc %.4f, held-out acc %.4f, lr %.2e, %.0f s%n",
        report.epoch(), report.trainLoss(), report.trainAccuracy(), report.heldOutAccuracy(),
        report.lastLearningRate(), report.seconds());
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("epoch", report.epoch());
    line.put("train_loss", report.trainLoss());
    line.put("train_acc", report.trainAccuracy());
    line.put("held_out_acc", report.heldOutAccuracy());
    line.put("learning_rate_end", report.lastLearningRate());
    line.put("seconds", report.seconds());
    return line;
  }

  private static Map<String, Object> recipeRecord(Pretrainer.Recipe recipe, VitConfig config) {
    Map<String, Object> recipeRecord = new LinkedHashMap<>();
    recipeRecord.put("optimizer", "Adam");
    recipeRecord.put("learning_rate", recipe.learningRate());
    recipeRecord.put("schedule", recipe.schedule().key);
    recipeRecord.put("warmup_epochs", recipe.warmupEpochs());
    recipeRecord.put("epochs", recipe.epochs());
    recipeRecord.put("batch_size", recipe.batchSize());
    recipeRecord.put("seed", recipe.seed());
    recipeRecord.put("normalization", config.normalization());
    recipeRecord.put("objective", recipe.objective().key);
    if (recipe.objective() != PretrainObjective.SUPERVISED) {
      recipeRecord.put("mask_ratio", recipe.maskRatio());
    }
    return recipeRecord;
  }

  /** The backbone to pre-train, from {@code provpt.pretrain.model}. */
  private static VitConfig modelConfig(Settings s, String m) {
    return new VitConfig(s.intIn(m + "image-size", 1, 4096), s.intIn(m + "channels", 1, 4),
        s.intIn(m + "patch-size", 1, 1024), s.intIn(m + "width", 1, 8192), s.intIn(m + "depth", 1, 128),
        s.intIn(m + "heads", 1, 128), s.intIn(m + "mlp-dim", 1, 65536), Gelu.of(s.oneOf(m + "gelu", Gelu.keys())),
        s.doubleIn(m + "layer-norm-eps", 0, 1, true), s.string(m + "normalization"),
        s.intIn(m + "upstream-classes", 2, 100000));
  }

  private static Pretrainer.Recipe recipe(Settings s, String p) {
    PretrainObjective objective = s.oneOf(p + "objective", PretrainObjective.class, o -> o.key);
    // A supervised recipe masks nothing: its mask ratio is 0 whatever the key says.
    double maskRatio = objective == PretrainObjective.SUPERVISED ? 0 : s.doubleIn(p + "mask-ratio", 0, 1, true);
    if (maskRatio == 1) {
      throw s.invalid(p + "mask-ratio", "a number > 0 and < 1 (with every patch masked nothing is left to see)");
    }
    return new Pretrainer.Recipe(s.intIn(p + "epochs", 1, 10000),
        s.intIn(p + "batch-size", 1, 100000), (float) s.doubleIn(p + "learning-rate", 0, 10, true),
        s.longValue(p + "seed"), Pretrainer.Schedule.of(s.oneOf(p + "schedule", Pretrainer.Schedule.keys())),
        s.doubleIn(p + "warmup-epochs", 0, 10000, false), objective, maskRatio);
  }

  /** The upstream head must have one output per class of the data. */
  private static void requireClasses(Settings s, String m, VitConfig config, int classes, String why) {
    if (config.upstreamClasses() != classes) {
      throw s.invalid(m + "upstream-classes", classes + " (" + why + ")");
    }
  }
}
