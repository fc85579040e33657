package dev.provpt.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.provpt.data.Augmentation;
import dev.provpt.data.NormalizationChoice;
import dev.provpt.data.TaskSource;
import dev.provpt.data.TaskSpec;
import dev.provpt.idleness.Estimator;
import dev.provpt.method.Method;
import dev.provpt.method.PromptMode;
import dev.provpt.model.Precision;
import dev.provpt.model.Xla;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** One experiment, validated and typed before anything runs. */
public record ExperimentSettings(
    String name,
    long seed,
    Path out,
    Path backbone,
    TaskSpec data,
    Method method,
    PromptSettings prompts,
    TrainSettings train,
    ProVptSettings proVpt,
    PpoSettings ppo,
    int tensorflowThreads,
    Precision precision,
    Xla xla,
    List<Integer> keptCheckpoints,
    Config source) {

  public record PromptSettings(int perBlock, int shallowCount, double dropout) {}

  /**
   * @param cacheFeatures whether a linear probe without augmentation computes each image's frozen features once
   *     per run and trains its head on them (its result then differs from the recomputing path by float rounding)
   */
  public record TrainSettings(int epochs, int batchSize, double baseLr, double momentum, double weightDecay,
      double clipNorm, boolean testEveryEpoch, boolean cacheFeatures) {

    /** VPT's convention: lr = base-lr * batch / 256. */
    public double learningRate() {
      return baseLr * batchSize / 256.0;
    }
  }

  /**
   * PRO-VPT's choices (which prompt to prune, how to reallocate it, how idleness is scored and
   * estimated) and their ablations.
   *
   * @param scoringSubset training images of the fixed subset that leave-one-out idleness is measured on
   * @param scaleKeptPrompt whether a prompt the allocator sends back to its own block is still
   *     scaled by relocationScale ([PRO-VPT-code] does so on self-supervised backbones, not on
   *     supervised ones)
   * @param measureEveryEstimator whether every step also measures the estimators other than {@code idleness}
   *     (the idleness audit's runs: slower steps, the same run)
   */
  public record ProVptSettings(Prune prune, Allocate allocate, Scoring scoring, int warmupEpochs,
      double relocationScale, Estimator idleness, int scoringSubset, boolean scaleKeptPrompt,
      boolean measureEveryEstimator) {

    public ProVptSettings(Prune prune, Allocate allocate, Scoring scoring, int warmupEpochs, double relocationScale) {
      this(prune, allocate, scoring, warmupEpochs, relocationScale, Estimator.INPUT_GATE, 256, false, false);
    }

    /** The estimators a PRO-VPT run measures: its own, and with measureEveryEstimator every per-step one. */
    public Set<Estimator> measured() {
      EnumSet<Estimator> measured = EnumSet.of(idleness);
      if (measureEveryEstimator) {
        measured.addAll(Estimator.perStep());
      }
      return measured;
    }
  }

  /** provpt.pro-vpt.prune: the prompt with the highest positive idleness score, or a uniformly random one. */
  public enum Prune {
    TAYLOR("taylor"), RANDOM("random");

    public final String key;

    Prune(String key) {
      this.key = key;
    }
  }

  /** provpt.pro-vpt.allocate: the block that receives a pruned prompt is chosen by PPO or a Thompson bandit. */
  public enum Allocate {
    PPO("ppo"), THOMPSON("thompson");

    public final String key;

    Allocate(String key) {
      this.key = key;
    }
  }

  /**
   * provpt.pro-vpt.scoring: idleness accumulated during the previous tuning epoch, or measured by a separate
   * pass over the training set.
   */
  public enum Scoring {
    ONLINE("online"), PASS("pass");

    public final String key;

    Scoring(String key) {
      this.key = key;
    }
  }

  /** PPO constants ([PRO-VPT] Appendix F and [PRO-VPT-code]). */
  public record PpoSettings(int hidden, double actorLr, double criticLr, double gamma, double clip, int kEpochs,
      double valueCoefficient, double entropyCoefficient, int updateEvery) {}

  public static ExperimentSettings from(Config config) {
    Settings s = new Settings(config);
    String p = "provpt.";
    TaskSpec data = data(s, p + "data.");
    PromptSettings prompts = new PromptSettings(
        s.intIn(p + "prompts.per-block", 0, 10_000), s.intIn(p + "prompts.shallow-count", 1, 10_000),
        s.doubleIn(p + "prompts.dropout", 0, 0.95, false));
    TrainSettings train = new TrainSettings(
        s.intIn(p + "train.epochs", 1, 100_000), s.intIn(p + "train.batch-size", 1, 65_536),
        s.doubleIn(p + "train.base-lr", 0, 1e4, true), s.doubleIn(p + "train.momentum", 0, 0.9999, false),
        s.doubleIn(p + "train.weight-decay", 0, 1, false), s.doubleIn(p + "train.clip-norm", 0, 1e6, false),
        s.bool(p + "train.test-every-epoch"), s.bool(p + "train.cache-features"));
    Method method = s.oneOf(p + "method", Method.class, m -> m.key);
    String v = p + "pro-vpt.";
    ProVptSettings proVpt = new ProVptSettings(s.oneOf(v + "prune", Prune.class, c -> c.key),
        s.oneOf(v + "allocate", Allocate.class, c -> c.key), s.oneOf(v + "scoring", Scoring.class, c -> c.key),
        s.intIn(v + "warmup-epochs", 0, 100_000), s.doubleIn(v + "relocation-scale", 0, 1, false),
        s.oneOf(v + "idleness", Estimator.class, e -> e.key), s.intIn(v + "scoring-subset", 1, 1_000_000),
        s.bool(v + "scale-kept-prompt"), s.bool(v + "measure-every-estimator"));
    String r = p + "ppo.";
    PpoSettings ppo = new PpoSettings(s.intIn(r + "hidden", 1, 4096), s.doubleIn(r + "actor-lr", 0, 1, true),
        s.doubleIn(r + "critic-lr", 0, 1, true), s.doubleIn(r + "gamma", 0, 1, false),
        s.doubleIn(r + "clip", 0, 1, true), s.intIn(r + "k-epochs", 1, 10_000),
        s.doubleIn(r + "value-coefficient", 0, 100, false), s.doubleIn(r + "entropy-coefficient", 0, 100, false),
        s.intIn(r + "update-every", 2, 10_000));
    if (method.layout() == PromptMode.DEEP && prompts.perBlock() < 1) {
      throw s.invalid(p + "prompts.per-block", ">= 1 for " + method.key);
    }
    if (!Files.isDirectory(Path.of(s.string(p + "backbone")))) {
      throw s.invalid(p + "backbone", "an existing backbone directory (a SavedModel with model.conf)");
    }
    String name = s.string(p + "name");
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw s.invalid(p + "name", "letters, digits, '.', '_' or '-' (it names the run directory)");
    }
    return new ExperimentSettings(name, s.longValue(p + "seed"), Path.of(s.string(p + "out")),
        Path.of(s.string(p + "backbone")), data, method, prompts, train, proVpt, ppo,
        s.intIn(p + "tensorflow-threads", 0, 1024), s.oneOf(p + "precision", Precision.class, c -> c.key),
        s.oneOf(p + "xla", Xla.class, c -> c.key), keptCheckpoints(s, p + "checkpoints.keep-epochs"), config);
  }

  /**
   * These settings with {@code provpt.tensorflow-threads = threads}, in the rendered config.conf too
   * (a daemon running several jobs at once gives each its share of the cores).
   */
  public ExperimentSettings withTensorflowThreads(int threads) {
    return from(source.withValue("provpt.tensorflow-threads", com.typesafe.config.ConfigValueFactory.fromAnyRef(threads)));
  }

  /**
   * provpt.data. Every kind's section is read and checked, so a bad value is refused even in a section not
   * chosen now; only the chosen kind's paths must exist, and only its record is kept.
   */
  private static TaskSpec data(Settings s, String d) {
    TaskSource.Kind kind = s.oneOf(d + "kind", TaskSource.Kind.class, k -> k.key);
    int trainSize = s.intIn(d + "train-size", 1, Integer.MAX_VALUE);
    int valSize = s.intIn(d + "val-size", 1, Integer.MAX_VALUE);
    boolean trainOnTrainVal = s.bool(d + "train-on-train-val");
    var shapes = new TaskSource.Shapes(s.longValue(d + "shapes.seed"),
        s.intIn(d + "shapes.pool-per-class", 1, 100_000), s.intIn(d + "shapes.test-per-class", 1, 100_000));
    boolean isIdx = kind == TaskSource.Kind.IDX;
    var idx = new TaskSource.Idx(idxPath(s, d + "idx.train-images", isIdx), idxPath(s, d + "idx.train-labels", isIdx),
        idxPath(s, d + "idx.test-images", isIdx), idxPath(s, d + "idx.test-labels", isIdx),
        s.intIn(d + "idx.classes", 2, 256));
    var vtab = new TaskSource.Vtab(directory(s, d + "vtab.root", kind == TaskSource.Kind.VTAB),
        s.intIn(d + "vtab.classes", 2, 100_000));
    boolean isFolder = kind == TaskSource.Kind.FOLDER;
    var folder = new TaskSource.Folder(directory(s, d + "folder.train", isFolder),
        directory(s, d + "folder.test", isFolder && !s.string(d + "folder.test").isBlank()),
        s.doubleIn(d + "folder.test-fraction", 0, 0.9, true), s.longValue(d + "folder.test-seed"),
        s.doubleIn(d + "folder.val-fraction", 0, 0.9, false));
    var suite = new TaskSource.Suite(s.oneOf(d + "suite.task", dev.provpt.data.suite.SuiteTasks.names()),
        s.longValue(d + "suite.seed"));
    var tfds = tfds(s, d + "tfds.", kind == TaskSource.Kind.TFDS);
    TaskSource source = switch (kind) {
      case SHAPES -> shapes;
      case IDX -> idx;
      case VTAB -> vtab;
      case FOLDER -> folder;
      case SUITE -> suite;
      case TFDS -> tfds;
    };
    return new TaskSpec(source, trainSize, valSize, trainOnTrainVal,
        s.oneOf(d + "augmentation", Augmentation.class, a -> a.key),
        NormalizationChoice.of(s.oneOf(d + "normalization", NormalizationChoice.names())));
  }

  /**
   * provpt.data.tfds: the split specs must parse; when chosen, the directory must exist and hold the shards of
   * every split the specs name (the error names the file pattern looked for).
   */
  private static TaskSource.Tfds tfds(Settings s, String t, boolean chosen) {
    Path dir = directory(s, t + "dir", chosen);
    String name = s.string(t + "name");
    if (!name.isBlank() && !name.matches("[A-Za-z0-9_.]+")) {
      throw s.invalid(t + "name", "a TFDS data set name (letters, digits, '_', '.') or \"\"");
    }
    List<String> specs = List.of("train", "val", "train-val", "test");
    List<String> values = new java.util.ArrayList<>();
    for (String key : specs) {
      String value = s.string(t + key);
      try {
        dev.provpt.data.TfdsSplit.parse(value);
      } catch (dev.provpt.data.DataException e) {
        throw s.invalid(t + key, "a TFDS split such as train, train[:800], train[800:1000], test[:50%] "
            + "or parts joined with +");
      }
      values.add(value);
    }
    var source = new TaskSource.Tfds(dir, name, s.string(t + "image-key"), s.string(t + "label-key"),
        s.intIn(t + "classes", 2, 100_000), values.get(0), values.get(1), values.get(2), values.get(3));
    if (chosen) {
      String dataset;
      try {
        dataset = dev.provpt.data.TfdsShards.dataset(dir, name);
      } catch (dev.provpt.data.DataException e) {
        throw s.invalid(t + "dir", "a directory holding TFDS shards "
            + dev.provpt.data.TfdsShards.pattern(name, "<split>") + " of one data set, or set " + t + "name ("
            + e.getMessage() + ")");
      }
      for (int i = 0; i < specs.size(); i++) {
        for (String split : dev.provpt.data.TfdsSplit.parse(values.get(i)).splits()) {
          try {
            dev.provpt.data.TfdsShards.of(dir, dataset, split);
          } catch (dev.provpt.data.DataException e) {
            throw s.invalid(t + "dir", "a directory holding the shards " + dev.provpt.data.TfdsShards.pattern(dataset,
                split) + " that " + t + specs.get(i) + " reads (" + e.getMessage() + ")");
          }
        }
      }
    }
    return source;
  }

  private static Path directory(Settings s, String key, boolean required) {
    String value = s.string(key);
    if (required && (value.isBlank() || !Files.isDirectory(Path.of(value)))) {
      throw s.invalid(key, "an existing directory for this provpt.data.kind");
    }
    return value.isBlank() ? null : Path.of(value);
  }

  private static Path idxPath(Settings s, String key, boolean required) {
    String value = s.string(key);
    if (required && (value.isBlank() || !Files.isRegularFile(Path.of(value)))) {
      throw s.invalid(key, "an existing IDX file when provpt.data.kind = idx");
    }
    return value.isBlank() ? null : Path.of(value);
  }

  private static List<Integer> keptCheckpoints(Settings s, String key) {
    List<Integer> epochs = s.longs(key).stream().map(Long::intValue).toList();
    if (epochs.stream().anyMatch(e -> e < 1)) {
      throw s.invalid(key, "a list of epochs >= 1");
    }
    return epochs;
  }

  /** The fully resolved provpt section as HOCON, for the run directory's config.conf. */
  public String render() {
    // rendered under its key: HOCON renders a root object without braces, and "provpt " + that put only the
    // first key under provpt (a resumed run then read every other key's default)
    return source.getConfig("provpt").root().atKey("provpt").root().render(
        ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false).setFormatted(true));
  }
}
