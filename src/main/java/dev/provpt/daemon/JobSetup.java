package dev.provpt.daemon;

import com.typesafe.config.Config;
import dev.provpt.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the status pages show of a job's experiment text: its method, task, backbone and the
 * settings a sweep varies. Read from the text layered over reference.conf, as the run reads it,
 * but without checking paths: a job whose backbone has gone since is still listed.
 *
 * @param task the suite task's name, or the data kind with what names its data (a directory, a file, a TFDS name)
 * @param backbone the backbone directory's name; {@code backbonePath} the whole path
 */
record JobSetup(String method, String task, String backbone, String backbonePath, Double baseLr, Double weightDecay,
    Long seed) {

  /** The setup of a text that cannot be read (a job queued by an older provpt, say): nothing known. */
  static final JobSetup UNKNOWN = new JobSetup(null, null, null, null, null, null, null);

  /** Parsed setups by experiment text; a status page asks for every job every refresh. */
  private static final Map<String, JobSetup> CACHE = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JobSetup> eldest) {
          return size() > 2048;
        }
      });

  static JobSetup of(String text) {
    if (text == null) {
      return UNKNOWN;
    }
    JobSetup known = CACHE.get(text);
    if (known != null) {
      return known;
    }
    JobSetup setup = parse(text);
    CACHE.put(text, setup);
    return setup;
  }

  private static JobSetup parse(String text) {
    Config c;
    try {
      c = ConfigLoader.parse(text, "job", java.util.List.of()).getConfig("provpt");
    } catch (RuntimeException e) {
      return UNKNOWN;
    }
    String backbone = string(c, "backbone");
    return new JobSetup(string(c, "method"), task(c), backbone == null ? null : name(backbone), backbone,
        number(c, "train.base-lr"), number(c, "train.weight-decay"), c.hasPath("seed") ? c.getLong("seed") : null);
  }

  /** The suite task by name; otherwise the kind and the last part of what names its data. */
  static String task(Config c) {
    String kind = string(c, "data.kind");
    if (kind == null) {
      return null;
    }
    String detail = switch (kind) {
      case "suite" -> string(c, "data.suite.task");
      case "tfds" -> {
        String named = blankToNull(string(c, "data.tfds.name"));
        yield named != null ? named : name(string(c, "data.tfds.dir"));
      }
      case "vtab" -> name(string(c, "data.vtab.root"));
      case "folder" -> name(string(c, "data.folder.train"));
      case "idx" -> name(string(c, "data.idx.train-images"));
      default -> null;
    };
    if (kind.equals("suite") && detail != null) {
      return detail;
    }
    return detail == null ? kind : kind + " " + detail;
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    m.put("task", task);
    m.put("backbone", backbone);
    m.put("backbone_path", backbonePath);
    m.put("base_lr", baseLr);
    m.put("weight_decay", weightDecay);
    m.put("seed", seed);
    return m;
  }

  private static String string(Config c, String key) {
    try {
      return c.hasPath(key) ? c.getString(key) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Double number(Config c, String key) {
    try {
      return c.hasPath(key) ? c.getDouble(key) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String name(String path) {
    if (blankToNull(path) == null) {
      return null;
    }
    Path p = Path.of(path).getFileName();
    return p == null ? path : p.toString();
  }
}
