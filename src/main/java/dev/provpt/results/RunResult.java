package dev.provpt.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.provpt.data.suite.SuiteTasks;
import dev.provpt.data.suite.TaskInfo;
import dev.provpt.idleness.Estimator;
import dev.provpt.method.Method;
import dev.provpt.method.PromptMode;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One finished run as the results report sees it, read from its run directory: {@code summary.json} (what was
 * run and how it ended), {@code metrics.jsonl} (epoch and phase times) and, for what an older summary lacks,
 * {@code config.conf} and the backbone's {@code model.conf}.
 *
 * @param task the task's name: the training split's name up to its first '/' ({@code digits/train800} → digits)
 * @param group the suite group of the task, or "other" for a task outside the mini-VTAB-1k suite
 * @param method the method's key (provpt.method), "?" when the summary has none
 * @param configuration {@code method}, or "method (key=value, …)" naming what differs from the defaults: for
 *     PRO-VPT its choices (taylor, ppo, online, input-gate) and the reference.conf values of {@link #KNOBS}; for
 *     every method the reference.conf values of {@link #SETTINGS} that apply to it
 * @param settings "key=value" for each of {@link #SETTINGS} off its default (e.g. precision=bf16); empty for most runs
 * @param baseConfiguration the configuration with {@code settings} left out: what a run with other settings is
 *     compared against (equal to {@code configuration} when {@code settings} is empty)
 * @param trainableParameters prompts × width + width × classes + classes, or null when not derivable
 * @param backbone the backbone directory as config.conf's {@code provpt.backbone} gives it (else the summary's),
 *     normalised by {@link #normalizeBackbone}; null when neither records it
 * @param split the training split's name after the task's ({@code digits/train800val200} → train800val200); null
 *     when the name has no '/'
 * @param baseLr config.conf's {@code provpt.train.base-lr}; null without it
 * @param weightDecay config.conf's {@code provpt.train.weight-decay}; null without it
 * @param epochs the summary's {@code epochs} (else config.conf's {@code provpt.train.epochs}); null without either
 * @param cachedFeatures a linear probe whose config.conf has {@code train.cache-features = true}: its backbone ran
 *     once per image in the first epoch, its later epochs trained the head alone (runs from before the setting
 *     existed recomputed the features every epoch)
 */
public record RunResult(Path directory, String task, String group, String method, String configuration,
    List<String> settings, String baseConfiguration, String prune, String allocate, String scoring, String idleness, long seed, double testAccuracy,
    int trainSize, int[] distribution, List<Double> epochSeconds, List<Double> tuneSeconds, Long trainableParameters,
    String backbone, String split, Double baseLr, Double weightDecay, Integer epochs, boolean cachedFeatures) {

  /** PRO-VPT's defaults: a run with all of them is the method of [PRO-VPT] Tab. 1. */
  public static final List<Map.Entry<String, String>> PRO_VPT_DEFAULTS = List.of(Map.entry("prune", "taylor"),
      Map.entry("allocate", "ppo"), Map.entry("scoring", "online"), Map.entry("idleness", Estimator.INPUT_GATE.key));

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the run in {@code dir}; null when it has no test accuracy (an unfinished or a search-only run). */
  public static RunResult read(Path dir) throws IOException {
    JsonNode summary = JSON.readTree(dir.resolve(RunDirectory.SUMMARY).toFile());
    if (!summary.hasNonNull("test_acc")) {
      return null;
    }
    String trainName = text(summary, "task", dir.getFileName().toString());
    String task = trainName.contains("/") ? trainName.substring(0, trainName.indexOf('/')) : trainName;
    String split = splitOf(trainName);
    String method = text(summary, "method", "?");
    Optional<Method> known = Method.byKey(method);
    String prune = text(summary, "prune", null);
    String allocate = text(summary, "allocate", null);
    String scoring = text(summary, "scoring", null);
    String idleness = text(summary, "idleness", null);
    Config config = config(dir);
    List<String> differs = choicesOffDefault(known, config, Map.of("prune", String.valueOf(prune),
        "allocate", String.valueOf(allocate), "scoring", String.valueOf(scoring), "idleness", String.valueOf(idleness)));
    List<String> settings = settingsOffDefault(known, config, summary);
    String baseConfiguration = label(method, differs);
    differs.addAll(settings);
    String configuration = label(method, differs);
    int[] distribution = distribution(summary);
    List<Double> epochSeconds = new ArrayList<>();
    List<Double> tuneSeconds = new ArrayList<>();
    if (Files.isRegularFile(dir.resolve(RunDirectory.METRICS))) {
      for (EpochRecord e : RunDirectory.readEpochs(dir)) {
        epochSeconds.add(e.seconds());
        if (e.phaseSeconds() != null && e.phaseSeconds().get("tune") != null) {
          tuneSeconds.add(e.phaseSeconds().get("tune"));
        }
      }
    }
    String t = "provpt.train.";
    String backbone = config.hasPath("provpt.backbone") ? config.getString("provpt.backbone")
        : text(summary, "backbone", null);
    Integer epochs = summary.hasNonNull("epochs") ? Integer.valueOf(summary.get("epochs").asInt())
        : config.hasPath(t + "epochs") ? Integer.valueOf(config.getInt(t + "epochs")) : null;
    return new RunResult(dir, task, groupOf(task), method, configuration, List.copyOf(settings), baseConfiguration,
        prune, allocate, scoring, idleness,
        summary.path("seed").asLong(), summary.get("test_acc").asDouble(), summary.path("train_size").asInt(),
        distribution, List.copyOf(epochSeconds), List.copyOf(tuneSeconds), parameters(dir, summary, known, distribution),
        backbone == null ? null : normalizeBackbone(backbone),
        split,
        config.hasPath(t + "base-lr") ? Double.valueOf(config.getDouble(t + "base-lr")) : null,
        config.hasPath(t + "weight-decay") ? Double.valueOf(config.getDouble(t + "weight-decay")) : null, epochs,
        known.map(m -> m.layout() == PromptMode.NONE).orElse(false) && config.hasPath(t + "cache-features")
            && config.getBoolean(t + "cache-features"));
  }

  /** A relocating method's choices (prune, allocate, scoring, idleness, {@link #KNOBS}) that are not PRO-VPT's defaults. */
  private static List<String> choicesOffDefault(Optional<Method> known, Config config, Map<String, String> values) {
    List<String> differs = new ArrayList<>();
    if (known.map(Method::relocates).orElse(false)) { // the choices of a method that relocates
      for (Map.Entry<String, String> d : PRO_VPT_DEFAULTS) {
        String value = values.get(d.getKey());
        if (!value.equals(d.getValue()) && !value.equals("null")) {
          differs.add(d.getKey() + "=" + value);
        }
      }
      differs.addAll(offDefault(config, KNOBS));
    }
    return differs;
  }

  /** The {@link #SETTINGS} off their defaults; precision as the run computed it, when its summary says. */
  private static List<String> settingsOffDefault(Optional<Method> known, Config config, JsonNode summary) {
    List<String> settings = new ArrayList<>(offDefault(config, SETTINGS.stream()
        .filter(key -> !key.startsWith("prompts.") || known.map(m -> m.layout() == PromptMode.DEEP).orElse(false))
        .toList()));
    if (summary.hasNonNull("precision")) { // what the run computed in, where config.conf says what was asked for
      settings.removeIf(kv -> kv.startsWith("precision="));
      String used = summary.get("precision").asText();
      if (!used.equals(ConfigFactory.defaultReference().getString("provpt.precision"))) {
        settings.add(0, "precision=" + used);
      }
    }
    return settings;
  }

  private static int[] distribution(JsonNode summary) {
    int[] distribution = new int[summary.path("distribution").size()];
    for (int i = 0; i < distribution.length; i++) {
      distribution[i] = summary.get("distribution").get(i).asInt();
    }
    return distribution;
  }

  /** The training split's name after the task's in a summary's {@code task} ({@code digits/train800val200} → train800val200); null without '/'. */
  public static String splitOf(String trainName) {
    return trainName.contains("/") ? trainName.substring(trainName.indexOf('/') + 1) : null;
  }

  /**
   * A backbone directory as one path string, so that runs and lookups agree however it was written: normalised
   * ({@code ./models/x/} → {@code models/x}), relative to the working directory when it lies under it, with '/'.
   */
  public static String normalizeBackbone(String backbone) {
    Path path = Path.of(backbone).normalize();
    if (path.isAbsolute()) {
      Path here = Path.of("").toAbsolutePath().normalize();
      if (path.startsWith(here) && !path.equals(here)) {
        path = here.relativize(path);
      }
    }
    return path.toString().replace('\\', '/');
  }

  /** PRO-VPT's schedule settings a run may change (warm-up, relocation, PPO), named by their key under provpt. */
  static final List<String> KNOBS = List.of("pro-vpt.warmup-epochs", "pro-vpt.relocation-scale",
      "pro-vpt.scale-kept-prompt", "ppo.update-every", "ppo.k-epochs", "ppo.entropy-coefficient");

  /**
   * Settings of any method that change what is computed without changing the method (the frozen backbone's
   * precision; VPT-Deep's and PRO-VPT's prompts per block), named by their key under provpt. A run with one of
   * them off its default is its own configuration, compared with the same configuration at the defaults.
   */
  static final List<String> SETTINGS = List.of("precision", "prompts.per-block");

  /**
   * This run with one more setting off its default ("key=value"), named in its configuration and compared with
   * its base configuration like those of {@link #SETTINGS}.
   */
  public RunResult withSetting(String setting) {
    List<String> all = new ArrayList<>(settings);
    all.add(setting);
    String named = configuration.endsWith(")")
        ? configuration.substring(0, configuration.length() - 1) + ", " + setting + ")"
        : configuration + " (" + setting + ")";
    return new RunResult(directory, task, group, method, named, List.copyOf(all), baseConfiguration, prune, allocate,
        scoring, idleness, seed, testAccuracy, trainSize, distribution, epochSeconds, tuneSeconds, trainableParameters,
        backbone, split, baseLr, weightDecay, epochs, cachedFeatures);
  }

  private static String label(String method, List<String> differs) {
    return differs.isEmpty() ? method : method + " (" + String.join(", ", differs) + ")";
  }

  /** "key=value" (key after its first '.') for each of {@code keys} that config.conf sets off its default. */
  static List<String> offDefault(Config config, List<String> keys) {
    Config defaults = ConfigFactory.defaultReference();
    List<String> differs = new ArrayList<>();
    for (String knob : keys) {
      String path = "provpt." + knob;
      if (config.hasPath(path) && defaults.hasPath(path)
          && !config.getValue(path).unwrapped().toString().equals(defaults.getValue(path).unwrapped().toString())) {
        differs.add(knob.substring(knob.indexOf('.') + 1) + "=" + config.getValue(path).unwrapped());
      }
    }
    return differs;
  }

  private static Config config(Path dir) {
    return Files.isRegularFile(dir.resolve(RunDirectory.CONFIG))
        ? ConfigFactory.parseFile(dir.resolve(RunDirectory.CONFIG).toFile()) : ConfigFactory.empty();
  }

  /** natural, specialized or structured for a suite task; "other" for any other task. */
  public static String groupOf(String task) {
    if (!SuiteTasks.names().contains(task)) {
      return "other";
    }
    TaskInfo.Group group = SuiteTasks.named(task).info().group();
    return group.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * prompts × width + width × classes + classes: the summary's own count when it has one, else derived from
   * the summary's prompts (the final distribution for deep prompts, config.conf's shallow-count for
   * VPT-Shallow, none without prompts), the backbone's width (model.conf) and the task's classes; null for a
   * method whose head reads the pixels (its summary always has the count) or one this build does not know.
   */
  static Long parameters(Path dir, JsonNode summary, Optional<Method> method, int[] distribution) {
    if (summary.hasNonNull("trainable_parameters")) {
      return summary.get("trainable_parameters").asLong();
    }
    if (method.isEmpty() || !method.get().headInput().runsBackbone()) {
      return null;
    }
    Config config = config(dir);
    Long width = summary.hasNonNull("width") ? Long.valueOf(summary.get("width").asLong()) : widthOf(summary);
    Long classes = summary.hasNonNull("classes") ? Long.valueOf(summary.get("classes").asLong()) : classesOf(config);
    long prompts = switch (method.get().layout()) {
      case NONE -> 0;
      case SHALLOW -> config.hasPath("provpt.prompts.shallow-count") ? config.getLong("provpt.prompts.shallow-count") : -1;
      case DEEP -> java.util.Arrays.stream(distribution).sum();
    };
    if (width == null || classes == null || prompts < 0) {
      return null;
    }
    return method.get().trainableParameters(prompts, width, 0, classes);
  }

  private static Long widthOf(JsonNode summary) {
    if (!summary.hasNonNull("backbone")) {
      return null;
    }
    Path modelConf = Path.of(summary.get("backbone").asText()).resolve("model.conf");
    if (!Files.isRegularFile(modelConf)) {
      return null;
    }
    Config model = ConfigFactory.parseFile(modelConf.toFile());
    return model.hasPath("width") ? model.getLong("width") : null;
  }

  private static Long classesOf(Config config) {
    String d = "provpt.data.";
    if (!config.hasPath(d + "kind")) {
      return null;
    }
    String kind = config.getString(d + "kind");
    return switch (kind) {
      case "shapes" -> 10L;
      case "suite" -> config.hasPath(d + "suite.task") && SuiteTasks.names().contains(config.getString(d + "suite.task"))
          ? (long) SuiteTasks.named(config.getString(d + "suite.task")).info().numClasses() : null;
      case "vtab", "idx", "tfds" -> config.hasPath(d + kind + ".classes") ? config.getLong(d + kind + ".classes") : null;
      default -> null;
    };
  }

  private static String text(JsonNode node, String key, String fallback) {
    return node.hasNonNull(key) ? node.get(key).asText() : fallback;
  }

  /** Every run under {@code root} (itself, or directories up to three levels down), in path order. */
  public static List<RunResult> under(Path root) throws IOException {
    TreeMap<Path, RunResult> runs = new TreeMap<>();
    try (var paths = Files.walk(root, 4)) {
      for (Path summary : paths.filter(p -> p.getFileName().toString().equals(RunDirectory.SUMMARY)).toList()) {
        Path dir = summary.getParent();
        // a sweep's directory (report.json) holds grid runs (grid-*) on train/val: only its final runs count
        // (final-seed<N>, or <variant>-seed<N> with variants)
        if (dir.getParent() != null && Files.isRegularFile(dir.getParent().resolve("report.json"))
            && dir.getFileName().toString().startsWith("grid-")) {
          continue;
        }
        RunResult run = read(dir);
        if (run != null) {
          runs.put(dir, run);
        }
      }
    }
    return List.copyOf(runs.values());
  }
}
