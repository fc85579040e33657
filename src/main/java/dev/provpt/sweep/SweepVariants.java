package dev.provpt.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.SettingsException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/** A sweep's final-stage variants ({@code provpt.sweep.variants}) read and checked. */
final class SweepVariants {
  /** Keys a variant may not set: the sweep sets them for every run. */
  private static final List<String> SWEEP_KEYS = List.of("seed", "train.base-lr", "train.weight-decay",
      "data.train-on-train-val", "sweep");

  /** A variant's own seeds ({@code seeds = [1, 2, 3]}): the sweep's, not an override of the experiment. */
  static final String SEEDS = "seeds";

  private SweepVariants() {}

  /**
   * provpt.sweep.variants in the order they are written (by line), each flattened to key=value overrides, with its
   * own {@code seeds} when it sets them, else {@code sweepSeeds} (provpt.sweep.seeds).
   */
  static List<Sweep.Variant> of(Config config, List<Long> sweepSeeds) {
    if (!config.hasPath(ConfigLoader.VARIANTS)) {
      return List.of();
    }
    ConfigObject object;
    try {
      object = config.getObject(ConfigLoader.VARIANTS);
    } catch (ConfigException e) {
      throw new SettingsException(ConfigLoader.VARIANTS + " must be an object, name -> overrides: " + e.getMessage());
    }
    List<String> names = new ArrayList<>(object.keySet());
    names.sort(Comparator.<String>comparingInt(n -> Math.max(0, object.get(n).origin().lineNumber()))
        .thenComparing(n -> String.valueOf(object.get(n).origin().filename())).thenComparing(n -> n));
    List<Sweep.Variant> variants = new ArrayList<>();
    for (String name : names) {
      String where = ConfigLoader.VARIANTS + "." + name;
      if (!name.matches("[a-z0-9][a-z0-9._-]*") || name.startsWith("grid-") || name.startsWith("final-")) {
        throw new SettingsException(where + ": a variant's name must be lower-case letters, digits, '.', '_', '-' "
            + "and not start with grid- or final- (it names run directories <variant>-seed<N>)");
      }
      if (!(object.get(name) instanceof ConfigObject overrides)) {
        throw new SettingsException(where + " must be an object of overrides, e.g. { method = pro-vpt }");
      }
      List<Long> seeds = overrides.containsKey(SEEDS) ? seeds(where + "." + SEEDS, overrides.get(SEEDS)) : sweepSeeds;
      List<String> list = new ArrayList<>();
      for (var entry : overrides.withoutKey(SEEDS).toConfig().entrySet()) {
        String key = entry.getKey();
        for (String reserved : SWEEP_KEYS) {
          if (key.equals(reserved) || key.startsWith(reserved + ".")) {
            throw new SettingsException(where + "." + key + ": a variant cannot set " + reserved
                + " (the sweep sets it for every run)");
          }
        }
        list.add(key + "=" + entry.getValue().render(ConfigRenderOptions.concise()));
      }
      variants.add(new Sweep.Variant(name, List.copyOf(list), List.copyOf(seeds)));
    }
    return List.copyOf(variants);
  }

  /** A variant's {@code seeds}: a non-empty list of distinct positive integers. */
  private static List<Long> seeds(String where, ConfigValue value) {
    String expected = where + " must be a non-empty list of distinct positive integers, e.g. [1, 2, 3], got "
        + value.render(ConfigRenderOptions.concise()) + " (" + value.origin().description() + ")";
    if (value.valueType() != ConfigValueType.LIST || ((List<?>) value.unwrapped()).isEmpty()) {
      throw new SettingsException(expected);
    }
    LinkedHashSet<Long> seeds = new LinkedHashSet<>();
    for (Object seed : (List<?>) value.unwrapped()) {
      if (!(seed instanceof Integer || seed instanceof Long) || ((Number) seed).longValue() <= 0
          || !seeds.add(((Number) seed).longValue())) {
        throw new SettingsException(expected);
      }
    }
    return List.copyOf(seeds);
  }
}
