package dev.provpt.rundir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The output directory of one run: config.conf, metrics.jsonl (one {@link EpochRecord} per epoch,
 * appended and forced to disk as each epoch ends, through a {@link MetricsLog}), summary.json,
 * checkpoints/, export/ (the contract is described in docs/ARCHITECTURE.md).
 */
public final class RunDirectory {
  public static final String CONFIG = "config.conf";
  public static final String METRICS = "metrics.jsonl";
  public static final String SUMMARY = "summary.json";
  public static final String EXPORT = "export";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String TENSORBOARD = "tensorboard";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path root;
  private final WriteGuard guard;

  /**
   * Asked before every write that a run makes to its directory (metrics lines, checkpoints, the
   * summary). A writer that may have lost the right to write — a daemon node whose lease on the
   * job was taken over — throws here, and nothing is written.
   */
  @FunctionalInterface
  public interface WriteGuard {
    /** @throws WriteRefusedException naming why this writer may not write (any more) */
    void check();

    WriteGuard NONE = () -> { };
  }

  /**
   * A guard refused a write; the guard has logged why. Its cause, when there is one, is the
   * failure that kept the guard from allowing it (the job store unreachable past the lease).
   */
  public static class WriteRefusedException extends IllegalStateException {
    public WriteRefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private RunDirectory(Path root, WriteGuard guard) {
    this.root = root;
    this.guard = guard;
  }

  /** The same directory, with every write first checked by {@code guard}. */
  public RunDirectory guardedBy(WriteGuard guard) {
    return new RunDirectory(root, guard);
  }

  /** Throws when this writer may not write to the run any more (see {@link WriteGuard}). */
  public void checkWrites() {
    guard.check();
  }

  /** A fresh directory {@code <out>/<name>-<yyyyMMdd-HHmmss>[-n]}. */
  public static RunDirectory create(Path out, String name) {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    try {
      Files.createDirectories(out);
      Path dir = out.resolve(name + "-" + stamp);
      for (int n = 2; Files.exists(dir); n++) {
        dir = out.resolve(name + "-" + stamp + "-" + n);
      }
      Files.createDirectory(dir);
      return new RunDirectory(dir, WriteGuard.NONE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a run directory under " + out + ": " + e.getMessage(), e);
    }
  }

  public static RunDirectory at(Path root) {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run directory " + root + ": " + e.getMessage(), e);
    }
    return new RunDirectory(root, WriteGuard.NONE);
  }

  public Path root() {
    return root;
  }

  public Path resolve(String name) {
    return root.resolve(name);
  }

  public void writeConfig(String hocon) {
    writeAtomically(CONFIG, hocon + "\n");
  }

  /**
   * Takes over metrics.jsonl for a run that starts after epoch {@code keptEpochs} (0 for a fresh
   * run): see {@link MetricsLog}.
   */
  public MetricsLog openMetrics(int keptEpochs) {
    return MetricsLog.open(root, guard, keptEpochs);
  }

  public void writeSummary(Map<String, Object> summary) {
    guard.check();
    try {
      writeAtomically(SUMMARY, JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code name} in this directory atomically (see {@link #writeAtomically(Path, String)}). */
  public void writeAtomically(String name, String content) {
    guard.check();
    try {
      writeAtomically(resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + resolve(name) + ": " + e.getMessage(), e);
    }
  }

  /** Writes beside, then renames: a reader never sees half a file. */
  public static void writeAtomically(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path aside = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(aside, content, StandardCharsets.UTF_8);
    Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The epochs of a run's metrics.jsonl as records, in order. */
  public static List<EpochRecord> readEpochs(Path runDirectory) throws IOException {
    List<EpochRecord> epochs = new ArrayList<>();
    for (String line : Files.readAllLines(runDirectory.resolve(METRICS))) {
      if (!line.isBlank()) {
        epochs.add(EpochRecord.fromJson(line));
      }
    }
    return epochs;
  }

  /**
   * Cuts metrics.jsonl back to the epochs up to {@code epoch}: a run resumed from the checkpoint
   * of that epoch redoes the later ones, and its metrics stay free of gaps and duplicates.
   */
  public static void keepMetricsUpTo(Path runDirectory, int epoch) throws IOException {
    Path metrics = runDirectory.resolve(METRICS);
    if (Files.exists(metrics)) {
      writeAtomically(metrics, metricsUpTo(metrics, epoch));
    }
  }

  /** The lines of the metrics file {@code metrics} for epochs up to {@code epoch}, each ended by a newline. */
  static String metricsUpTo(Path metrics, int epoch) throws IOException {
    StringBuilder kept = new StringBuilder();
    for (String line : Files.readAllLines(metrics)) {
      if (!line.isBlank() && JSON.readTree(line).get("epoch").asInt() <= epoch) {
        kept.append(line).append('\n');
      }
    }
    return kept.toString();
  }

  /** The epochs of a run's metrics.jsonl, in order (blank lines skipped). */
  public static List<JsonNode> readMetrics(Path runDirectory) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(runDirectory.resolve(METRICS))) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }
}
