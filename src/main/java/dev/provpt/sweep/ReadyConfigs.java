package dev.provpt.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.provpt.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep's choice written out as ready experiment files, one per variant ({@code configs/<task>/<variant>.conf}),
 * so that a final run can be repeated without searching again: {@code ./provpt run -c FILE --set seed=N}.
 */
public final class ReadyConfigs {
  private final Sweep sweep;

  public ReadyConfigs(Sweep sweep) {
    this.sweep = sweep;
  }

  /** The name of a ready experiment file: the variant's, or the method's for a sweep without variants. */
  public String name(Sweep.RunSpec spec) {
    return spec.variant() != null ? spec.variant() : sweep.baseMethod();
  }

  /**
   * Writes one runnable experiment file per variant (or one for the sweep without variants, named after its
   * method) into {@code directory}: the experiment file's own keys and the sweep's --set overrides, the variant's
   * overrides, the chosen base-lr and weight-decay, data.train-on-train-val = true and its first seed; without the
   * sweep section. {@code ./provpt run -c FILE --set seed=N} is then the final run of seed N. Returns the files.
   */
  public List<Path> write(Path directory, Map<String, Object> best) throws IOException {
    Files.createDirectories(directory);
    double lr = ((Number) best.get("base_lr")).doubleValue();
    double wd = ((Number) best.get("weight_decay")).doubleValue();
    List<Path> written = new ArrayList<>();
    List<Sweep.RunSpec> finals = sweep.finalRuns(lr, wd);
    Set<String> done = new LinkedHashSet<>();
    for (Sweep.RunSpec spec : finals) {
      String name = name(spec);
      if (!done.add(name)) {
        continue; // one file per variant: its first seed
      }
      List<String> variantOverrides = spec.variant() == null ? List.of() : sweep.variants().stream()
          .filter(v -> v.name().equals(spec.variant())).findFirst().orElseThrow().overrides();
      List<String> own = new ArrayList<>(sweep.baseOverrides());
      own.addAll(variantOverrides);
      List<Long> seeds = sweep.seedsOf(spec.variant());
      own.addAll(Sweep.finalKeys(lr, wd, seeds.get(0)));
      Path file = directory.resolve(name + ".conf");
      Files.writeString(file, header(name, variantOverrides, seeds, best) + experimentText(own));
      written.add(file);
    }
    return written;
  }

  private String header(String name, List<String> variantOverrides, List<Long> seeds, Map<String, Object> best) {
    StringBuilder h = new StringBuilder();
    h.append("# ").append(name).append(": ready to run, with the hyper-parameters provpt sweep chose; no search needed.\n");
    h.append("# Chosen by sweep ").append(sweep.id()).append(" of ")
        .append(sweep.experiment() == null ? "(no file)" : sweep.experiment());
    if (!sweep.baseOverrides().isEmpty()) {
      h.append(" with --set ").append(String.join(" ", sweep.baseOverrides()));
    }
    h.append(":\n#   grid base-lr ").append(sweep.learningRates()).append(" x weight-decay ")
        .append(sweep.weightDecays())
        .append(", each trained on train/val with seed ").append(sweep.seeds().get(0))
        .append(sweep.variants().isEmpty() ? ""
            : " using the base experiment (method " + sweep.baseMethod() + "), its choice shared by every variant")
        .append(";\n");
    h.append(String.format(java.util.Locale.ROOT, "#   chosen base-lr %s, weight-decay %s at val accuracy %.4f (%s).%n",
        best.get("base_lr"), best.get("weight_decay"), ((Number) best.get("best_val_acc")).doubleValue(), best.get("run")));
    if (!variantOverrides.isEmpty()) {
      h.append("# Variant ").append(name).append(": ").append(String.join(", ", variantOverrides)).append(".\n");
    }
    h.append("# Trained on train+val (data.train-on-train-val = true) as the sweep's final runs, seeds ").append(seeds)
        .append(":\n#   ./provpt run -c THIS_FILE --set seed=N   reproduces the final run of seed N (this file: seed ")
        .append(seeds.get(0)).append(").\n");
    return h.toString();
  }

  /**
   * The experiment as a file: the keys the experiment file itself sets (with its includes) and {@code overrides}
   * set, with their resolved values, without the sweep, daemon and cluster sections.
   */
  String experimentText(List<String> overrides) {
    Config full = ConfigLoader.load(sweep.experiment(), overrides);
    Set<String> paths = new LinkedHashSet<>();
    if (sweep.experiment() != null) {
      leafPaths(ConfigFactory.parseFile(sweep.experiment().toFile()).root(), new ArrayList<>(), paths);
    }
    for (String o : overrides) {
      String key = o.substring(0, o.indexOf('=')).trim();
      leafPaths(ConfigFactory.parseString((key.startsWith("provpt.") ? key : "provpt." + key) + " = "
          + o.substring(o.indexOf('=') + 1)).root(), new ArrayList<>(), paths);
    }
    Config out = ConfigFactory.empty();
    for (String path : paths) {
      List<String> parts = ConfigUtil.splitPath(path);
      if (parts.size() < 2 || !parts.get(0).equals("provpt")
          || List.of("sweep", "daemon", "cluster").contains(parts.get(1)) || !full.hasPath(path)) {
        continue;
      }
      out = out.withValue(path, full.getValue(path));
    }
    return out.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
        .setJson(false).setFormatted(true));
  }

  private static void leafPaths(ConfigObject object, List<String> prefix, Set<String> into) {
    for (String key : object.keySet()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(key);
      ConfigValue value = object.get(key);
      ConfigValueType type;
      try {
        type = value.valueType();
      } catch (ConfigException.NotResolved e) {
        type = null;
      }
      if (type == ConfigValueType.OBJECT) {
        leafPaths((ConfigObject) value, path, into);
      } else {
        into.add(ConfigUtil.joinPath(path));
      }
    }
  }
}
