package dev.provpt.actors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.report.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checkpoint files of a run: {@code checkpoints/epoch-NNNN/} holds {@code tuner.json},
 * {@code allocator.json} and {@code experiment.json}; {@code checkpoints/LATEST} names the last
 * complete one. Every file is written aside and renamed, and LATEST moves only once a whole
 * epoch directory is complete, so a crash at any moment leaves the previous checkpoint usable.
 */
public final class Checkpoints {
  public static final String DIRECTORY = "checkpoints";
  public static final String LATEST = "LATEST";
  public static final String TUNER = "tuner.json";
  public static final String ALLOCATOR = "allocator.json";
  public static final String EXPERIMENT = "experiment.json";

  static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoints() {}

  public static Path epochDirectory(Path runDirectory, int epoch) {
    return runDirectory.resolve(DIRECTORY).resolve(String.format("epoch-%04d", epoch));
  }

  static void writeJson(Path file, Object value) throws IOException {
    RunDirectory.writeAtomically(file, JSON.writeValueAsString(value));
  }

  /** Marks {@code epoch} as the latest complete checkpoint and removes older ones. */
  static void commit(Path runDirectory, int epoch) throws IOException {
    Path root = runDirectory.resolve(DIRECTORY);
    RunDirectory.writeAtomically(root.resolve(LATEST), String.format("epoch-%04d%n", epoch));
    try (var entries = Files.list(root)) {
      for (Path old : entries.filter(p -> p.getFileName().toString().startsWith("epoch-")
          && !p.equals(epochDirectory(runDirectory, epoch))).toList()) {
        try (var files = Files.walk(old)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** The latest complete checkpoint directory of a run, or null when it has none. */
  public static Path latest(Path runDirectory) throws IOException {
    Path pointer = runDirectory.resolve(DIRECTORY).resolve(LATEST);
    if (!Files.isRegularFile(pointer)) {
      return null;
    }
    return runDirectory.resolve(DIRECTORY).resolve(Files.readString(pointer).trim());
  }

  public static <T> T read(Path file, Class<T> type) throws IOException {
    return JSON.readValue(file.toFile(), type);
  }
}
