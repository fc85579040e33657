package dev.provpt.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.provpt.data.Augmentation;
import dev.provpt.data.Normalization;
import java.nio.file.Path;
import java.util.List;

/** One experiment, validated and typed before anything runs. */
public record ExperimentSettings(
    String name,
    long seed,
    Path out,
    Path backbone,
    DataSettings data,
    Method method,
    PromptSettings prompts,
    TrainSettings train,
    ProVptSettings proVpt,
    PpoSettings ppo,
    int tensorflowThreads,
    Config source) {

  /** The tuning methods. */
  public enum Method {
    PRO_VPT("pro-vpt"), VPT_DEEP("vpt-deep"), VPT_SHALLOW("vpt-shallow"), LINEAR("linear");

    public final String key;

    Method(String key) {
      this.key = key;
    }

    static List<String> keys() {
      return java.util.Arrays.stream(values()).map(m -> m.key).toList();
    }

    static Method of(String key) {
      return java.util.Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst().orElseThrow();
    }
  }

  /**
   * The task and how its images reach the model. {@code normalization} is {@link #AUTO_NORMALIZATION} (the
   * backbone's own) or one of {@link Normalization#SPECS}.
   */
  public record DataSettings(String kind, int trainSize, int valSize, boolean trainOnTrainVal,
      long shapesSeed, int shapesPoolPerClass, int shapesTestPerClass,
      Path idxTrainImages, Path idxTrainLabels, Path idxTestImages, Path idxTestLabels, int idxClasses,
      Path vtabRoot, int vtabClasses, Path folderTrain, Path folderTest,
      Augmentation augmentation, String normalization) {}

  /** provpt.data.normalization's default: the normalization named in the backbone's model.conf. */
  public static final String AUTO_NORMALIZATION = "auto";

  public record PromptSettings(int perBlock, int shallowCount, double dropout) {}

  public record TrainSettings(int epochs, int batchSize, double baseLr, double momentum, double weightDecay,
      double clipNorm, boolean testEveryEpoch) {

    /** VPT's convention: lr = base-lr * batch / 256. */
    public double learningRate() {
      return baseLr * batchSize / 256.0;
    }
  }

  /** PRO-VPT's choices (DESIGN §3) and their ablations. */
  public record ProVptSettings(String prune, String allocate, String scoring, int warmupEpochs, double relocationScale) {}

  /** PPO constants (paper Appendix F and the reference implementation). */
  public record PpoSettings(int hidden, double actorLr, double criticLr, double gamma, double clip, int kEpochs,
      double valueCoefficient, double entropyCoefficient, int updateEvery) {}

  public static ExperimentSettings from(Config config) {
    Settings s = new Settings(config);
    String p = "provpt.";
    String d = p + "data.";
    String kind = s.oneOf(d + "kind", List.of("shapes", "idx", "vtab", "folder"));
    DataSettings data = new DataSettings(kind,
        s.intIn(d + "train-size", 1, Integer.MAX_VALUE), s.intIn(d + "val-size", 1, Integer.MAX_VALUE),
        s.bool(d + "train-on-train-val"),
        s.longValue(d + "shapes.seed"), s.intIn(d + "shapes.pool-per-class", 1, 100_000),
        s.intIn(d + "shapes.test-per-class", 1, 100_000),
        idxPath(s, d + "idx.train-images", kind), idxPath(s, d + "idx.train-labels", kind),
        idxPath(s, d + "idx.test-images", kind), idxPath(s, d + "idx.test-labels", kind),
        s.intIn(d + "idx.classes", 2, 256),
        directory(s, d + "vtab.root", kind.equals("vtab")), s.intIn(d + "vtab.classes", 2, 100_000),
        directory(s, d + "folder.train", kind.equals("folder")), directory(s, d + "folder.test", kind.equals("folder")),
        Augmentation.of(s.oneOf(d + "augmentation", Augmentation.keys())),
        s.oneOf(d + "normalization", normalizationChoices()));
    PromptSettings prompts = new PromptSettings(
        s.intIn(p + "prompts.per-block", 0, 10_000), s.intIn(p + "prompts.shallow-count", 1, 10_000),
        s.doubleIn(p + "prompts.dropout", 0, 0.95, false));
    TrainSettings train = new TrainSettings(
        s.intIn(p + "train.epochs", 1, 100_000), s.intIn(p + "train.batch-size", 1, 65_536),
        s.doubleIn(p + "train.base-lr", 0, 1e4, true), s.doubleIn(p + "train.momentum", 0, 0.9999, false),
        s.doubleIn(p + "train.weight-decay", 0, 1, false), s.doubleIn(p + "train.clip-norm", 0, 1e6, false),
        s.bool(p + "train.test-every-epoch"));
    Method method = Method.of(s.oneOf(p + "method", Method.keys()));
    String v = p + "pro-vpt.";
    ProVptSettings proVpt = new ProVptSettings(s.oneOf(v + "prune", List.of("taylor", "random")),
        s.oneOf(v + "allocate", List.of("ppo", "thompson")), s.oneOf(v + "scoring", List.of("online", "pass")),
        s.intIn(v + "warmup-epochs", 0, 100_000), s.doubleIn(v + "relocation-scale", 0, 1, false));
    String r = p + "ppo.";
    PpoSettings ppo = new PpoSettings(s.intIn(r + "hidden", 1, 4096), s.doubleIn(r + "actor-lr", 0, 1, true),
        s.doubleIn(r + "critic-lr", 0, 1, true), s.doubleIn(r + "gamma", 0, 1, false),
        s.doubleIn(r + "clip", 0, 1, true), s.intIn(r + "k-epochs", 1, 10_000),
        s.doubleIn(r + "value-coefficient", 0, 100, false), s.doubleIn(r + "entropy-coefficient", 0, 100, false),
        s.intIn(r + "update-every", 2, 10_000));
    if ((method == Method.VPT_DEEP || method == Method.PRO_VPT) && prompts.perBlock() < 1) {
      throw s.invalid(p + "prompts.per-block", ">= 1 for " + method.key);
    }
    if (!java.nio.file.Files.isDirectory(Path.of(s.string(p + "backbone")))) {
      throw s.invalid(p + "backbone", "an existing backbone directory (a SavedModel with model.conf)");
    }
    String name = s.string(p + "name");
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw s.invalid(p + "name", "letters, digits, '.', '_' or '-' (it names the run directory)");
    }
    return new ExperimentSettings(name, s.longValue(p + "seed"), Path.of(s.string(p + "out")),
        Path.of(s.string(p + "backbone")), data, method, prompts, train, proVpt, ppo,
        s.intIn(p + "tensorflow-threads", 0, 1024), config);
  }

  private static List<String> normalizationChoices() {
    List<String> choices = new java.util.ArrayList<>(List.of(AUTO_NORMALIZATION));
    choices.addAll(Normalization.SPECS);
    return choices;
  }

  private static Path directory(Settings s, String key, boolean required) {
    String value = s.string(key);
    if (required && (value.isBlank() || !java.nio.file.Files.isDirectory(Path.of(value)))) {
      throw s.invalid(key, "an existing directory for this provpt.data.kind");
    }
    return value.isBlank() ? null : Path.of(value);
  }

  private static Path idxPath(Settings s, String key, String kind) {
    String value = s.string(key);
    if (kind.equals("idx") && (value.isBlank() || !java.nio.file.Files.isRegularFile(Path.of(value)))) {
      throw s.invalid(key, "an existing IDX file when provpt.data.kind = idx");
    }
    return value.isBlank() ? null : Path.of(value);
  }

  /** The fully resolved provpt section as HOCON, for the run directory's config.conf. */
  public String render() {
    return "provpt " + source.getConfig("provpt").root().render(
        ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false).setFormatted(true));
  }
}
