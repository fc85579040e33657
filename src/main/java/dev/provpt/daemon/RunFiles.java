package dev.provpt.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the status pages read of a job's run directory: its epochs (metrics.jsonl) and, once it
 * succeeded, its summary.json. Read again only when a file's size or modification time changed,
 * since a page asks for every job every refresh.
 *
 * @param epochs one line per epoch, oldest first (a line still being written is left out)
 * @param summary summary.json, or null when there is none (yet)
 */
record RunFiles(List<EpochRecord> epochs, Map<String, Object> summary) {
  static final RunFiles NONE = new RunFiles(List.of(), null);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CACHED = 4096;
  private static final Map<Path, Cached> CACHE = new ConcurrentHashMap<>();

  private record Cached(String stamp, RunFiles files) {}

  /** The files of the run directory {@code directory} (null: a job that has not started). */
  static RunFiles of(Path directory) {
    if (directory == null) {
      return NONE;
    }
    Path metrics = directory.resolve("metrics.jsonl");
    Path summary = directory.resolve(RunDirectory.SUMMARY);
    String stamp = stamp(metrics) + "/" + stamp(summary);
    Cached cached = CACHE.get(directory);
    if (cached != null && cached.stamp().equals(stamp)) {
      return cached.files();
    }
    RunFiles files = new RunFiles(epochs(metrics), summary(summary));
    if (CACHE.size() >= CACHED) {
      CACHE.clear();
    }
    CACHE.put(directory, new Cached(stamp, files));
    return files;
  }

  private static String stamp(Path file) {
    try {
      return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return "-";
    }
  }

  private static List<EpochRecord> epochs(Path metrics) {
    List<EpochRecord> epochs = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(metrics);
    } catch (IOException e) {
      return epochs;
    }
    for (String line : lines) {
      try {
        if (!line.isBlank()) {
          epochs.add(EpochRecord.fromJson(line));
        }
      } catch (IllegalArgumentException e) {
        // the line being written as we read: the next refresh has it whole
      }
    }
    return epochs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> summary(Path file) {
    try {
      return Files.isRegularFile(file) ? JSON.readValue(file.toFile(), LinkedHashMap.class) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The last epoch written, 0 when none. */
  int lastEpoch() {
    return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch();
  }

  /** The mean wall time of the epochs written, in seconds; null when none is. */
  Double meanEpochSeconds() {
    return epochs.isEmpty() ? null : epochs.stream().mapToDouble(EpochRecord::seconds).average().orElseThrow();
  }

  /** The test accuracy: summary.json's when the run succeeded, else the last epoch's when it was evaluated. */
  Double testAccuracy() {
    if (summary != null && summary.get("test_acc") instanceof Number n) {
      return n.doubleValue();
    }
    return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1).testAccuracy();
  }

  /** The latest prompt distribution (prompts per block), or null when no epoch recorded one. */
  int[] distribution() {
    for (int i = epochs.size() - 1; i >= 0; i--) {
      if (epochs.get(i).distribution() != null) {
        return epochs.get(i).distribution();
      }
    }
    return null;
  }

  /** Per epoch: epoch, train_loss, train_acc, val_loss, val_acc, test_acc, seconds (what the job page charts). */
  List<Map<String, Object>> curves() {
    List<Map<String, Object>> curves = new ArrayList<>();
    for (EpochRecord e : epochs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("epoch", e.epoch());
      m.put("train_loss", finite(e.trainLoss()));
      m.put("train_acc", finite(e.trainAccuracy()));
      m.put("val_loss", finite(e.valLoss()));
      m.put("val_acc", finite(e.valAccuracy()));
      m.put("test_acc", e.testAccuracy());
      m.put("seconds", e.seconds());
      curves.add(m);
    }
    return curves;
  }

  /** JSON has no NaN: a diverged loss is sent as null. */
  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
