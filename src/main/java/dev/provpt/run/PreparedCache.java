package dev.provpt.run;

import dev.provpt.data.Split;
import dev.provpt.data.TaskData;
import dev.provpt.data.TaskSource;
import dev.provpt.data.TaskSpec;
import dev.provpt.model.Backbone;
import dev.provpt.model.VitConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the runs of one process can share: loaded backbones and generated task data. A sweep or a
 * comparison prepares dozens of runs of one backbone on one task; each loaded the SavedModel and
 * generated the task again. Both are read-only once loaded (runs copy what they change).
 *
 * <p>Backbones are keyed by directory and by the size and modification time of every file in it
 * (a rewritten backbone is loaded again). Only generated tasks are kept (shapes10, the suite):
 * they follow from their settings alone, whereas files on disk may change between runs. Values are
 * soft references in small LRU maps, so memory pressure can always reclaim them.
 */
final class PreparedCache {
  private static final int BACKBONES = 2;
  private static final int SPLITS = 8;

  private record BackboneKey(Path directory, long bytes, long newestModified, int files) {}

  private record SplitKey(TaskSource source, int trainSize, int valSize, boolean trainOnTrainVal, long splitSeed,
      int imageSize, int channels) {}

  private static final Map<BackboneKey, SoftReference<Backbone>> backbones = lru(BACKBONES);
  private static final Map<SplitKey, SoftReference<Split>> splits = lru(SPLITS);

  private PreparedCache() {}

  static Backbone backbone(Path directory) {
    BackboneKey key = keyOf(directory);
    return key == null ? Backbone.load(directory) : cached(backbones, key, () -> Backbone.load(directory));
  }

  static Split split(TaskSpec task, long splitSeed, VitConfig model) {
    TaskSource source = task.source();
    if (!(source instanceof TaskSource.Shapes || source instanceof TaskSource.Suite)) {
      return TaskData.load(task, splitSeed, model);
    }
    // the suite brings its own split: the run's seed does not change it
    long seed = source instanceof TaskSource.Suite ? 0 : splitSeed;
    SplitKey key = new SplitKey(source, task.trainSize(), task.valSize(), task.trainOnTrainVal(), seed,
        model.imageSize(), model.channels());
    return cached(splits, key, () -> TaskData.load(task, splitSeed, model));
  }

  /** Forgets everything (tests). */
  static synchronized void clear() {
    backbones.clear();
    splits.clear();
  }

  // one lock for both maps: two runs preparing the same backbone at once load it once
  private static synchronized <K, V> V cached(Map<K, SoftReference<V>> map, K key, Supplier<V> load) {
    SoftReference<V> ref = map.get(key);
    V value = ref == null ? null : ref.get();
    if (value == null) {
      value = load.get();
      map.put(key, new SoftReference<>(value));
    }
    return value;
  }

  private static BackboneKey keyOf(Path directory) {
    Path absolute = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(absolute)) {
      return null; // Backbone.load reports it
    }
    long[] totals = new long[3];
    try (Stream<Path> files = Files.walk(absolute)) {
      files.filter(Files::isRegularFile).forEach(file -> {
        try {
          totals[0] += Files.size(file);
          totals[1] = Math.max(totals[1], Files.getLastModifiedTime(file).toMillis());
          totals[2]++;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      return null; // not cached: Backbone.load reports what is wrong
    }
    return new BackboneKey(absolute, totals[0], totals[1], (int) totals[2]);
  }

  private static <K, V> Map<K, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
