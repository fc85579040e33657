package dev.provpt.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.method.Method;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The committed results ({@code results.json}, as {@code provpt report} writes it beside its figures), asked for
 * the committed results of one task on one backbone: PRO-VPT's, VPT-Deep's, the linear probe's and the pixels
 * baseline's test accuracy over seeds, so that a run can print what it achieved next to them.
 */
public final class ReferenceResults {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The methods a reference line names, in this order (VPT-Shallow is on the page, not on the line). */
  static final List<Method> ORDER = List.of(Method.PRO_VPT, Method.VPT_DEEP, Method.LINEAR, Method.PIXELS);

  /** One configuration's test accuracy on the task: mean ± sample std over {@code n} seeds. */
  public record Entry(String configuration, String split, int n, List<Long> seeds, double mean, double std,
      Double baseLr, Double weightDecay, Integer epochs) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("split", split);
      m.put("n", n);
      m.put("seeds", seeds);
      m.put("mean", mean);
      m.put("std", std);
      m.put("base_lr", baseLr);
      m.put("weight_decay", weightDecay);
      m.put("epochs", epochs);
      return m;
    }
  }

  /**
   * The committed results of {@code task} on {@code backbone}, by method in {@link #ORDER} (only those found; never
   * none).
   */
  public record Reference(Path file, String page, String task, String backbone, Map<Method, Entry> entries) {
    public Reference {
      entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** The entry of {@code method}, or null when the file has none for this task and backbone. */
    public Entry entry(Method method) {
      return entries.get(method);
    }

    /**
     * One line: {@code reference (docs/RESULTS.md, 5 seeds, train800val200): PRO-VPT 0.720 ± 0.010, VPT-Deep
     * 0.712 ± 0.010, linear probe 0.550 ± 0.020, pixels 0.500 ± 0.004 — this run: 0.701}. Seeds and split go in the
     * parentheses when every entry shares them, else after each entry; the run's split follows "this run" when it
     * is not the reference's.
     */
    public String line(Double testAccuracy, String runSplit) {
      List<Entry> list = List.copyOf(entries.values());
      List<Method> methods = List.copyOf(entries.keySet());
      boolean sameN = list.stream().allMatch(e -> e.n() == list.get(0).n());
      boolean sameSplit = list.stream().allMatch(e -> java.util.Objects.equals(e.split(), list.get(0).split()));
      StringBuilder line = new StringBuilder("reference (").append(page);
      if (sameN) {
        line.append(", ").append(seeds(list.get(0).n()));
      }
      if (sameSplit && list.get(0).split() != null) {
        line.append(", ").append(list.get(0).split());
      }
      line.append("): ");
      for (int i = 0; i < list.size(); i++) {
        Entry e = list.get(i);
        line.append(i == 0 ? "" : ", ").append(label(methods.get(i))).append(' ')
            .append(String.format(Locale.ROOT, "%.3f ± %.3f", e.mean(), e.std()));
        List<String> own = new ArrayList<>();
        if (!sameN) {
          own.add(seeds(e.n()));
        }
        if (!sameSplit && e.split() != null) {
          own.add(e.split());
        }
        if (!own.isEmpty()) {
          line.append(" (").append(String.join(", ", own)).append(')');
        }
      }
      String referenceSplit = sameSplit ? list.get(0).split() : null;
      line.append(" — this run");
      if (runSplit != null && !runSplit.equals(referenceSplit)) {
        line.append(" (").append(runSplit).append(')');
      }
      line.append(": ").append(testAccuracy == null ? "n/a" : String.format(Locale.ROOT, "%.3f", testAccuracy));
      return line.toString();
    }

    /** For the run's summary.json: where it came from and every entry, by method key. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", file.toString().replace('\\', '/'));
      m.put("page", page);
      m.put("task", task);
      m.put("backbone", backbone);
      for (Method method : ORDER) {
        Entry e = entries.get(method);
        m.put(method.key, e == null ? null : e.toMap());
      }
      return m;
    }

    private static String label(Method method) {
      return switch (method) {
        case PRO_VPT -> "PRO-VPT";
        case VPT_DEEP -> "VPT-Deep";
        case VPT_SHALLOW -> "VPT-Shallow";
        case LINEAR -> "linear probe";
        case PIXELS -> "pixels";
      };
    }

    private static String seeds(int n) {
      return n + (n == 1 ? " seed" : " seeds");
    }
  }

  private final Path file;
  private final JsonNode root;

  private ReferenceResults(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
  }

  /**
   * Reads {@code file}; empty when it does not exist.
   *
   * @throws IOException when it cannot be read or is not a results.json (the message names the file)
   */
  public static Optional<ReferenceResults> load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new IOException(file + ": cannot be read (" + e.getMessage() + ")", e);
    }
    if (root == null || !root.path("tasks").isObject()) {
      throw new IOException(file + ": not a results.json of provpt report (no \"tasks\" object)");
    }
    return Optional.of(new ReferenceResults(file, root));
  }

  /**
   * The entries of {@link #ORDER}'s methods for {@code task} run on {@code backbone} (compared after
   * {@link RunResult#normalizeBackbone}); empty when the file has none for that pair.
   *
   * @throws IOException when the task's entries are malformed
   */
  public Optional<Reference> lookup(String backbone, String task) throws IOException {
    JsonNode methods = root.path("tasks").path(task).path("methods");
    if (methods.isMissingNode()) {
      return Optional.empty();
    }
    String wanted = RunResult.normalizeBackbone(backbone);
    Map<Method, Entry> found = new LinkedHashMap<>();
    for (Method method : ORDER) {
      Entry e = entry(methods, method.key, wanted, task);
      if (e != null) {
        found.put(method, e);
      }
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String page = root.hasNonNull("page") ? root.get("page").asText() : file.toString();
    return Optional.of(new Reference(file, page, task, wanted, found));
  }

  private Entry entry(JsonNode methods, String configuration, String backbone, String task) throws IOException {
    JsonNode e = methods.path(configuration);
    if (e.isMissingNode() || !e.hasNonNull("backbone")
        || !RunResult.normalizeBackbone(e.get("backbone").asText()).equals(backbone)) {
      return null;
    }
    for (String key : List.of("n", "mean", "std")) {
      if (!e.path(key).isNumber()) {
        throw new IOException(file + ": tasks." + task + ".methods." + configuration + "." + key + " is not a number");
      }
    }
    List<Long> seeds = new ArrayList<>();
    e.path("seeds").forEach(s -> seeds.add(s.asLong()));
    return new Entry(configuration, e.hasNonNull("split") ? e.get("split").asText() : null, e.get("n").asInt(),
        List.copyOf(seeds), e.get("mean").asDouble(), e.get("std").asDouble(),
        e.path("base_lr").isNumber() ? e.get("base_lr").asDouble() : null,
        e.path("weight_decay").isNumber() ? e.get("weight_decay").asDouble() : null,
        e.path("epochs").isNumber() ? e.get("epochs").asInt() : null);
  }
}
