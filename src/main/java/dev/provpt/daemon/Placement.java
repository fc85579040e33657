package dev.provpt.daemon;

import java.time.Duration;

/**
 * How a job manager takes jobs. {@code lease} null: a single node, whose jobs never expire and
 * which requeues its interrupted jobs at start. {@code dryRun}: a job is claimed and ends done at
 * once, nothing is trained (the scheduling benchmark).
 */
public record Placement(String owner, Duration lease, Duration renewEvery, Duration pollEvery, boolean sharedRuns,
    boolean dryRun, StoreRetry retry) {
  public static Placement singleNode() {
    return new Placement("local", null, null, null, false, false, StoreRetry.DEFAULTS);
  }

  public static Placement cluster(String owner, Duration lease, Duration renewEvery, Duration pollEvery,
      boolean dryRun) {
    return new Placement(owner, lease, renewEvery, pollEvery, true, dryRun, StoreRetry.DEFAULTS);
  }

  /** The same, riding out an unavailable store as {@code retry} says. */
  Placement withRetry(StoreRetry retry) {
    return new Placement(owner, lease, renewEvery, pollEvery, sharedRuns, dryRun, retry);
  }

  boolean clustered() {
    return lease != null;
  }
}
