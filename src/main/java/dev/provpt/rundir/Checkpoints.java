package dev.provpt.rundir;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Checkpoint files of a run: {@code checkpoints/epoch-NNNN/} holds one JSON file per owner
 * ({@code tuner.json}, {@code allocator.json}, {@code experiment.json}) and a {@code MANIFEST}
 * with each file's SHA-256; {@code checkpoints/LATEST} names the last complete one. Every file is
 * written aside and renamed, LATEST moves only once a whole epoch directory is complete, and the
 * previous complete checkpoint is kept: a checkpoint damaged after the fact (a truncated file, a
 * full disk) is detected on resume and the previous one is used instead.
 */
public final class Checkpoints {
  public static final String DIRECTORY = "checkpoints";
  public static final String LATEST = "LATEST";
  public static final String MANIFEST = "MANIFEST";
  public static final String TUNER = "tuner.json";
  public static final String ALLOCATOR = "allocator.json";
  public static final String EXPERIMENT = "experiment.json";

  /** Complete checkpoints kept on disk: the latest and the one before it. */
  static final int KEPT = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** No checkpoint of a run can be used; the message names the file and what is wrong with it. */
  public static final class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
      super(message);
    }
  }

  /** Reads a verified checkpoint directory into whatever the caller resumes from. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(Path directory) throws IOException;
  }

  private Checkpoints() {}

  public static Path epochDirectory(Path runDirectory, int epoch) {
    return runDirectory.resolve(DIRECTORY).resolve(String.format("epoch-%04d", epoch));
  }

  public static void writeJson(Path file, Object value) throws IOException {
    RunDirectory.writeAtomically(file, JSON.writeValueAsString(value));
  }

  public static <T> T readJson(Path file, Class<T> type) throws IOException {
    try {
      return JSON.readValue(file.toFile(), type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(file.getFileName() + " is not a valid checkpoint file: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Seals {@code epoch}'s directory with its manifest, marks it as the latest complete checkpoint
   * and removes all but the {@value #KEPT} newest.
   */
  public static void commit(Path runDirectory, int epoch) throws IOException {
    commit(runDirectory, epoch, java.util.Set.of());
  }

  /** As above, keeping the checkpoints of the epochs in {@code pinned} too. */
  public static void commit(Path runDirectory, int epoch, java.util.Set<Integer> pinned) throws IOException {
    Path directory = epochDirectory(runDirectory, epoch);
    Map<String, String> manifest = new LinkedHashMap<>();
    try (var files = Files.list(directory)) {
      for (Path file : files.filter(Checkpoints::isContent).sorted().toList()) {
        manifest.put(file.getFileName().toString(), sha256(file));
      }
    }
    writeJson(directory.resolve(MANIFEST), manifest);
    Path root = runDirectory.resolve(DIRECTORY);
    RunDirectory.writeAtomically(root.resolve(LATEST), directory.getFileName() + "\n");
    List<Path> all = epochDirectories(runDirectory);
    for (Path old : all.subList(Math.min(KEPT, all.size()), all.size())) {
      if (!old.equals(directory) && !pinned.contains(epochOf(old))) {
        try (var files = Files.walk(old)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /**
   * The newest usable checkpoint, read by {@code reader}: the one LATEST names, else the newest
   * older one, each verified against its manifest and then read whole. Every unusable one is
   * reported to {@code warn}. Empty when the run has no checkpoint at all.
   *
   * @throws CheckpointException when checkpoints exist but none can be used
   */
  public static <T> Optional<T> latestUsable(Path runDirectory, Reader<T> reader, Consumer<String> warn)
      throws IOException {
    List<Path> candidates = new ArrayList<>();
    Path pointer = runDirectory.resolve(DIRECTORY).resolve(LATEST);
    if (Files.isRegularFile(pointer)) {
      candidates.add(runDirectory.resolve(DIRECTORY).resolve(Files.readString(pointer).trim()));
    }
    for (Path directory : epochDirectories(runDirectory)) {
      if (!candidates.contains(directory) && Files.isRegularFile(directory.resolve(MANIFEST))) {
        candidates.add(directory);
      }
    }
    String firstProblem = null;
    for (Path directory : candidates) {
      try {
        requireIntact(directory);
        T value = reader.read(directory);
        return Optional.of(value);
      } catch (IOException | RuntimeException e) {
        String problem = directory + ": " + e.getMessage();
        warn.accept("checkpoint " + problem + "; trying an older one");
        firstProblem = firstProblem == null ? problem : firstProblem;
      }
    }
    if (firstProblem != null) {
      throw new CheckpointException("no usable checkpoint in " + runDirectory.resolve(DIRECTORY) + ": " + firstProblem);
    }
    return Optional.empty();
  }

  /** Throws, naming the file, unless every file the manifest lists is present with its recorded checksum. */
  public static void requireIntact(Path directory) throws IOException {
    Path manifestFile = directory.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw new IOException(MANIFEST + " is missing (the checkpoint was never completed)");
    }
    @SuppressWarnings("unchecked")
    Map<String, String> manifest = readJson(manifestFile, Map.class);
    for (var entry : manifest.entrySet()) {
      Path file = directory.resolve(entry.getKey());
      if (!Files.isRegularFile(file)) {
        throw new IOException(entry.getKey() + " is missing");
      }
      if (!sha256(file).equals(entry.getValue())) {
        throw new IOException(entry.getKey() + " does not match its checksum in " + MANIFEST
            + " (truncated or changed after it was written)");
      }
    }
  }

  /** Epoch directories, newest first. */
  private static List<Path> epochDirectories(Path runDirectory) throws IOException {
    Path root = runDirectory.resolve(DIRECTORY);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (var entries = Files.list(root)) {
      return entries.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("epoch-\\d+"))
          .sorted(Comparator.comparingInt((Path p) -> Integer.parseInt(p.getFileName().toString().substring(6)))
              .reversed()).toList();
    }
  }

  /** The epoch of an {@code epoch-NNNN} directory. */
  public static int epochOf(Path epochDirectory) {
    return Integer.parseInt(epochDirectory.getFileName().toString().substring("epoch-".length()));
  }

  /** The complete (sealed) checkpoint directories of a run, newest first. */
  public static List<Path> complete(Path runDirectory) throws IOException {
    return epochDirectories(runDirectory).stream().filter(d -> Files.isRegularFile(d.resolve(MANIFEST))).toList();
  }

  private static boolean isContent(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && !name.equals(MANIFEST) && !name.endsWith(".tmp");
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
