package dev.provpt.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Layers an experiment's configuration, highest priority first: {@code --set key=value},
 * {@code -Dprovpt.key=value}, the experiment file, {@code reference.conf} (every default).
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** provpt.sweep.variants: name → overrides, checked by the sweep rather than against reference.conf. */
  public static final String VARIANTS = "provpt.sweep.variants";

  public static Config load(Path file, List<String> overrides) {
    Config experiment = ConfigFactory.empty();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new SettingsException(file + ": experiment file not found");
      }
      try {
        experiment = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new SettingsException(file + ": " + e.getMessage());
      }
    }
    return layer(experiment, overrides);
  }

  /** The same layering for HOCON text (an experiment submitted to the daemon). */
  public static Config parse(String text, String originName, List<String> overrides) {
    try {
      return layer(ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(originName)),
          overrides);
    } catch (ConfigException e) {
      throw new SettingsException(e.getMessage());
    }
  }

  /**
   * Every key under {@code provpt} that an experiment or an override sets must exist in
   * reference.conf: a typo is an error, not a silently ignored setting.
   */
  static void checkKnownKeys(Config given) {
    if (!given.hasPath("provpt")) {
      return;
    }
    Config reference = ConfigFactory.defaultReference();
    for (var entry : given.getConfig("provpt").entrySet()) {
      String key = "provpt." + entry.getKey();
      if (key.startsWith(VARIANTS + ".")) {
        continue; // a sweep variant's overrides: the sweep checks them as overrides of the experiment
      }
      if (!reference.hasPath(key)) {
        throw new SettingsException("unknown key " + key + " (" + Settings.origin(entry.getValue()) + "); every key and its default is in "
            + "reference.conf" + suggestion(reference, key));
      }
    }
  }

  private static String suggestion(Config reference, String key) {
    String parent = key.substring(0, key.lastIndexOf('.'));
    if (reference.hasPath(parent) && reference.getValue(parent) instanceof com.typesafe.config.ConfigObject object) {
      return "; " + parent + " has " + object.keySet();
    }
    return "";
  }

  private static Config layer(Config experiment, List<String> overrides) {
    Config cli = ConfigFactory.empty();
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new SettingsException("--set " + override + ": expected key=value, e.g. --set provpt.train.epochs=5");
      }
      String key = override.substring(0, eq).trim();
      if (!key.startsWith("provpt.")) {
        key = "provpt." + key;
      }
      try {
        cli = ConfigFactory.parseString(key + " = " + override.substring(eq + 1),
            ConfigParseOptions.defaults().setOriginDescription("--set " + override)).withFallback(cli);
      } catch (ConfigException e) {
        throw new SettingsException("--set " + override + ": " + e.getMessage());
      }
    }
    checkKnownKeys(experiment);
    checkKnownKeys(cli);
    try {
      return cli.withFallback(ConfigFactory.systemProperties())
          .withFallback(experiment)
          .withFallback(ConfigFactory.defaultReference())
          .resolve();
    } catch (ConfigException e) {
      throw new SettingsException(e.getMessage());
    }
  }
}
