package dev.provpt.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.function.Function;

/**
 * Typed, range-checked reads from a Config. Every error names the key, the value found, what
 * was expected and where the value came from (file and line, or --set / -D).
 */
public final class Settings {
  private final Config config;

  public Settings(Config config) {
    this.config = config;
  }

  public Config config() {
    return config;
  }

  public boolean has(String key) {
    return config.hasPath(key);
  }

  public String string(String key) {
    try {
      return config.getString(key);
    } catch (ConfigException e) {
      throw wrap(key, "a string", e);
    }
  }

  public String oneOf(String key, List<String> allowed) {
    String value = string(key);
    if (!allowed.contains(value)) {
      throw invalid(key, "one of " + allowed);
    }
    return value;
  }

  /**
   * The constant of enum {@code type} whose key ({@code keyOf}) is the value at {@code key}; any other value is
   * refused as by {@link #oneOf(String, List)}, listing the keys in declaration order.
   */
  public <E extends Enum<E>> E oneOf(String key, Class<E> type, Function<E, String> keyOf) {
    List<E> constants = List.of(type.getEnumConstants());
    List<String> keys = constants.stream().map(keyOf).toList();
    return constants.get(keys.indexOf(oneOf(key, keys)));
  }

  public int intIn(String key, int min, int max) {
    int value;
    try {
      value = config.getInt(key);
    } catch (ConfigException e) {
      throw wrap(key, "an integer", e);
    }
    if (value < min || value > max) {
      throw invalid(key, max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer in [" + min + ", " + max + "]");
    }
    return value;
  }

  public long longValue(String key) {
    try {
      return config.getLong(key);
    } catch (ConfigException e) {
      throw wrap(key, "an integer", e);
    }
  }

  public double doubleIn(String key, double min, double max, boolean minExclusive) {
    double value;
    try {
      value = config.getDouble(key);
    } catch (ConfigException e) {
      throw wrap(key, "a number", e);
    }
    boolean low = minExclusive ? value <= min : value < min;
    if (low || value > max || Double.isNaN(value)) {
      throw invalid(key, "a number " + (minExclusive ? "> " : ">= ") + min + (max < Double.MAX_VALUE ? " and <= " + max : ""));
    }
    return value;
  }

  public boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      throw wrap(key, "true or false", e);
    }
  }

  public List<Double> doubles(String key) {
    try {
      return config.getDoubleList(key);
    } catch (ConfigException e) {
      throw wrap(key, "a list of numbers", e);
    }
  }

  public List<Long> longs(String key) {
    try {
      return config.getLongList(key);
    } catch (ConfigException e) {
      throw wrap(key, "a list of integers", e);
    }
  }

  public SettingsException invalid(String key, String expected) {
    ConfigValue value = config.getValue(key);
    return new SettingsException(key + " must be " + expected + ", got " + value.render()
        + " (" + origin(value) + ")");
  }

  private SettingsException wrap(String key, String expected, ConfigException e) {
    if (!config.hasPath(key)) {
      return new SettingsException(key + " is missing: expected " + expected);
    }
    return invalid(key, expected);
  }

  static String origin(ConfigValue value) {
    var o = value.origin();
    // a --set or -D value has no file: its description ends with a meaningless ": 1"
    String where = o.filename() != null ? o.filename() : o.description().replaceFirst(": \\d+$", "");
    if (o.filename() != null && o.lineNumber() > 0) {
      where = where + " line " + o.lineNumber();
    }
    return where;
  }
}
