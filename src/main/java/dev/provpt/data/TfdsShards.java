package dev.provpt.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TFRecord shards of one split as TensorFlow Datasets writes them:
 * {@code <dataset>-<split>.tfrecord-<shard:05d>-of-<num_shards:05d>} in the prepared data set's version
 * folder (e.g. {@code ~/tensorflow_datasets/cifar10/3.0.2/cifar10-train.tfrecord-00000-of-00001}). Shards are
 * returned in shard order, so an example's index in the split, and slicing by index, is deterministic.
 */
public final class TfdsShards {
  private static final Pattern SHARD = Pattern.compile("(.+)-([^-]+)\\.tfrecord-(\\d{5,})-of-(\\d{5,})");

  private TfdsShards() {}

  /** The pattern shards of {@code split} are looked for with, for messages. */
  public static String pattern(String dataset, String split) {
    return (dataset == null || dataset.isBlank() ? "<dataset>" : dataset) + "-" + split + ".tfrecord-NNNNN-of-MMMMM";
  }

  /**
   * The data set name of the shards in {@code dir}: {@code name} when given, else the one data set whose
   * shards the directory holds.
   */
  public static String dataset(Path dir, String name) {
    if (name != null && !name.isBlank()) {
      return name;
    }
    TreeSet<String> names = new TreeSet<>();
    for (Path file : list(dir)) {
      Matcher m = SHARD.matcher(file.getFileName().toString());
      if (m.matches()) {
        names.add(m.group(1));
      }
    }
    if (names.size() != 1) {
      throw new DataException(dir + ": " + (names.isEmpty() ? "no TFDS shards (" + pattern(null, "<split>") + ")"
          : "shards of several data sets " + names + "; name the one to read"));
    }
    return names.first();
  }

  /**
   * Every shard of {@code split} in {@code dir}, in order. Throws naming the pattern when there are none,
   * and naming the missing shards when the set is incomplete (the shard count in the names disagrees).
   */
  public static List<Path> of(Path dir, String dataset, String split) {
    TreeMap<Integer, Path> shards = new TreeMap<>();
    TreeSet<Integer> counts = new TreeSet<>();
    for (Path file : list(dir)) {
      Matcher m = SHARD.matcher(file.getFileName().toString());
      if (m.matches() && m.group(1).equals(dataset) && m.group(2).equals(split) && Files.isRegularFile(file)) {
        shards.put(Integer.parseInt(m.group(3)), file);
        counts.add(Integer.parseInt(m.group(4)));
      }
    }
    if (shards.isEmpty()) {
      throw new DataException(dir + ": no shards of split \"" + split + "\" (looked for " + pattern(dataset, split) + ")");
    }
    if (counts.size() != 1) {
      throw new DataException(dir + ": shards of " + pattern(dataset, split) + " disagree on the shard count: " + counts);
    }
    int total = counts.first();
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      if (!shards.containsKey(i)) {
        missing.add(i);
      }
    }
    if (!missing.isEmpty() || shards.lastKey() >= total) {
      throw new DataException(dir + ": " + pattern(dataset, split) + " is incomplete: " + total + " shards named, "
          + (missing.isEmpty() ? "shard " + shards.lastKey() + " beyond them" : "missing " + missing));
    }
    return List.copyOf(shards.values());
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new DataException(dir + ": TFDS directory not found");
    }
    try (var files = Files.list(dir)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new DataException(dir + ": cannot list (" + e.getMessage() + ")", e);
    }
  }
}
