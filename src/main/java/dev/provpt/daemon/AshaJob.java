package dev.provpt.daemon;

import com.typesafe.config.Config;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.Settings;
import dev.provpt.sweep.scheduler.AshaSettings;
import dev.provpt.sweep.scheduler.Scheduler;
import java.util.List;
import java.util.Optional;

/**
 * A sweep's grid job that ASHA schedules on the daemon: queued by {@code provpt sweep --submit} under
 * {@code sweep-<id>/grid-…} with {@code provpt.sweep.scheduler = asha} in its text. It trains one rung at a time
 * (train.epochs = the rung's epoch), resuming from its checkpoint when promoted; its reports and ASHA's decisions are
 * rows in the store ({@link AshaRungs}).
 *
 * @param sweep the key prefix of the sweep's jobs, {@code sweep-<id>/}: what the decisions are grouped by
 * @param epochs the job's train.epochs (a full grid run's)
 */
record AshaJob(String sweep, int reductionFactor, List<Integer> rungEpochs, int epochs) {

  /** The ASHA grid job {@code job} is, or empty (not a sweep's grid job, a grid sweep, or unreadable text). */
  static Optional<AshaJob> of(JobStore.Job job) {
    String key = job.submitKey();
    if (key == null || job.config() == null || !key.startsWith(JobViews.SWEEP_PREFIX) || key.indexOf('/') < 0
        || !JobViews.phase(key.substring(key.indexOf('/') + 1)).equals("grid")) {
      return Optional.empty();
    }
    try {
      Config config = ConfigLoader.parse(job.config(), "job " + job.id(), List.of());
      if (new Settings(config).oneOf(Scheduler.KEY, Scheduler.class, s -> s.key) != Scheduler.ASHA) {
        return Optional.empty();
      }
      AshaSettings settings = AshaSettings.from(config);
      int epochs = config.getInt("provpt.train.epochs");
      return Optional.of(new AshaJob(key.substring(0, key.indexOf('/') + 1), settings.reductionFactor(),
          settings.rungEpochs(epochs), epochs));
    } catch (RuntimeException e) {
      return Optional.empty(); // not an ASHA job the daemon can schedule: its start reports what is wrong with it
    }
  }

  int topRung() {
    return rungEpochs.size() - 1;
  }

  /** The epoch rung {@code rung} ends at. */
  int epochOf(int rung) {
    if (rung < 0 || rung > topRung()) {
      throw new IllegalStateException("ASHA rung " + rung + " is not one of this sweep's rungs 0.." + topRung()
          + " (epochs " + rungEpochs + ")");
    }
    return rungEpochs.get(rung);
  }

  /** rung_epochs as the store keeps it: "1,2,4". */
  String rungEpochsText() {
    return String.join(",", rungEpochs.stream().map(String::valueOf).toList());
  }

  static List<Integer> parseRungEpochs(String text) {
    return java.util.Arrays.stream(text.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }
}
