package dev.provpt.daemon;

import dev.provpt.config.Settings;
import dev.provpt.config.SettingsException;
import java.time.Duration;

/**
 * How a node rides out an unavailable job store (provpt.daemon.store-retry): a write waits
 * {@code initial}, then twice as long each time up to {@code max}, for as long as the job's lease
 * lasts (on a single node, which has no lease, for {@code giveUpAfter}); a job requeued more than
 * {@code maxRequeues} times for infrastructure faults ends failed.
 */
record StoreRetry(Duration initial, Duration max, Duration giveUpAfter, int maxRequeues) {
  static final StoreRetry DEFAULTS = new StoreRetry(Duration.ofMillis(250), Duration.ofSeconds(5),
      Duration.ofMinutes(5), 5);

  StoreRetry {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new SettingsException("provpt.daemon.store-retry: initial must be > 0 and max >= initial, got initial "
          + initial + ", max " + max);
    }
    if (giveUpAfter.compareTo(initial) < 0) {
      throw new SettingsException("provpt.daemon.store-retry.give-up-after must be >= initial (" + initial + "), got "
          + giveUpAfter);
    }
  }

  static StoreRetry from(Settings s) {
    var c = s.config();
    return new StoreRetry(c.getDuration("provpt.daemon.store-retry.initial"),
        c.getDuration("provpt.daemon.store-retry.max"), c.getDuration("provpt.daemon.store-retry.give-up-after"),
        s.intIn("provpt.daemon.max-infrastructure-requeues", 0, 1000));
  }

  /** The wait after one of {@code previous} (0 before the first retry): doubled, at most {@link #max}. */
  Duration next(Duration previous) {
    if (previous.isZero()) {
      return initial;
    }
    Duration doubled = previous.multipliedBy(2);
    return doubled.compareTo(max) > 0 ? max : doubled;
  }
}
