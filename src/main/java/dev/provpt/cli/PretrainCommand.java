package dev.provpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.Settings;
import dev.provpt.data.FashionMnist;
import dev.provpt.data.ImageSet;
import dev.provpt.model.Backbone;
import dev.provpt.model.Gelu;
import dev.provpt.model.VitConfig;
import dev.provpt.train.Pretrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Pre-trains a ViT from scratch on Fashion-MNIST and exports it as a backbone SavedModel. */
@Command(name = "pretrain", description = "Train a small ViT on Fashion-MNIST and export a backbone SavedModel.")
final class PretrainCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, description = "HOCON file with a provpt.pretrain section")
  Path configFile;

  @Option(names = "--set", description = "override, e.g. --set pretrain.epochs=2")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Settings s = new Settings(ConfigLoader.load(configFile, overrides));
    String p = "provpt.pretrain.";
    String m = p + "model.";
    VitConfig config = new VitConfig(s.intIn(m + "image-size", 1, 4096), s.intIn(m + "channels", 1, 4),
        s.intIn(m + "patch-size", 1, 1024), s.intIn(m + "width", 1, 8192), s.intIn(m + "depth", 1, 128),
        s.intIn(m + "heads", 1, 128), s.intIn(m + "mlp-dim", 1, 65536), Gelu.of(s.oneOf(m + "gelu", Gelu.keys())),
        s.doubleIn(m + "layer-norm-eps", 0, 1, true), s.string(m + "normalization"),
        s.intIn(m + "upstream-classes", 2, 100000));
    Pretrainer.Recipe recipe = new Pretrainer.Recipe(s.intIn(p + "epochs", 1, 10000),
        s.intIn(p + "batch-size", 1, 100000), (float) s.doubleIn(p + "learning-rate", 0, 10, true),
        s.longValue(p + "seed"));
    Path dataDir = Path.of(s.string(p + "data-dir"));
    Path out = Path.of(s.string(p + "out"));
    ImageSet train = FashionMnist.train(dataDir);
    ImageSet test = FashionMnist.test(dataDir);
    System.err.println("pre-training " + config.describe() + " on " + train.size() + " Fashion-MNIST images");

    List<Map<String, Object>> epochs = new ArrayList<>();
    long started = System.nanoTime();
    double testAccuracy;
    try (Pretrainer pretrainer = new Pretrainer(config, recipe.learningRate(), recipe.seed())) {
      pretrainer.train(train, recipe, report -> {
        System.err.printf("epoch %d: train loss %.4f, train acc %.4f, %.0f s%n", report.epoch(), report.trainLoss(),
            report.trainAccuracy(), report.seconds());
        epochs.add(Map.of("epoch", report.epoch(), "train_loss", report.trainLoss(),
            "train_acc", report.trainAccuracy(), "seconds", report.seconds()));
      });
      Backbone.export(out, config, pretrainer.weights());
      testAccuracy = pretrainer.accuracy(test);
    }
    // Re-load the exported backbone: the accuracy we record is that of the files we ship.
    Backbone backbone = Backbone.load(out);
    double exportedAccuracy = UpstreamEvaluation.accuracy(backbone, test);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("architecture", config.describe());
    record.put("backbone_parameters", config.backboneParameters());
    record.put("data", "Fashion-MNIST train (60000) from " + dataDir + ", test (10000)");
    record.put("recipe", Map.of("optimizer", "Adam", "learning_rate", recipe.learningRate(), "epochs", recipe.epochs(),
        "batch_size", recipe.batchSize(), "seed", recipe.seed(), "augmentation", "none",
        "normalization", config.normalization()));
    record.put("epochs", epochs);
    record.put("test_accuracy_in_session", testAccuracy);
    record.put("test_accuracy_exported", exportedAccuracy);
    record.put("seconds", (System.nanoTime() - started) / 1e9);
    record.put("command", "provpt pretrain" + (configFile != null ? " -c " + configFile : "")
        + (overrides.isEmpty() ? "" : " --set " + String.join(" --set ", overrides)));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("pretrain.json").toFile(), record);
    System.out.printf("exported %s: upstream test accuracy %.4f (%s)%n", out, exportedAccuracy, out.resolve("pretrain.json"));
    return 0;
  }
}
