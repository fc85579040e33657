package dev.provpt.data.suite;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Each task's splits at 28 × 28 × 1 with the suite seed, generated once for all suite tests. */
final class SuiteFixtures {

  private static final Map<String, SuiteSplits> SPLITS = new ConcurrentHashMap<>();

  private SuiteFixtures() {
  }

  /** The splits of {@code task}; the calling test is skipped when the task's Debian package is missing. */
  static SuiteSplits splits(String task) {
    dev.provpt.DebianPackages.assumeSuiteTask(task);
    return SPLITS.computeIfAbsent(task, name -> SuiteTasks.named(name).generate(28, 1));
  }
}
