package dev.provpt.daemon;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's recorded transitions ({@link JobStore#events}) as an operator reads them: submitted,
 * claimed, requeued (with the fault's cause), taken over (claimed by another node than the one
 * that held it), queued again (a cancelled sweep run resubmitted), and how it ended; with the
 * time since it was first claimed.
 */
final class JobTimeline {
  private final List<JobStore.Event> events;

  JobTimeline(List<JobStore.Event> events) {
    this.events = List.copyOf(events);
  }

  /** Each event as {at, kind, state, fence, node, cause}. */
  List<Map<String, Object>> entries() {
    List<Map<String, Object>> entries = new ArrayList<>();
    String lastOwner = null;
    for (JobStore.Event e : events) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", e.at());
      m.put("kind", kind(e, lastOwner));
      m.put("state", e.state());
      m.put("fence", e.fence());
      boolean claim = JobStore.RUNNING.equals(e.state());
      // a queued event's node column holds the requeue's cause; a claim's holds the claiming node
      m.put("node", claim ? e.owner() : null);
      m.put("cause", JobStore.QUEUED.equals(e.state()) ? e.owner() : null);
      if (claim) {
        lastOwner = e.owner();
      }
      entries.add(m);
    }
    return entries;
  }

  /** The cause of a queued event that is an ASHA promotion ({@link AshaRungs}): "promoted from rung K". */
  static final String PROMOTED = "promoted from rung ";

  private static String kind(JobStore.Event e, String lastOwner) {
    return switch (e.state()) {
      case JobStore.QUEUED -> e.owner() != null ? (e.owner().startsWith(PROMOTED) ? "promoted" : "requeued")
          : e.fence() == 0 ? "submitted" : "queued again";
      case JobStore.RUNNING -> lastOwner == null ? "claimed" : lastOwner.equals(e.owner()) ? "claimed again"
          : "taken over";
      default -> e.state();
    };
  }

  /** How many times it was claimed by another node than the one before (a takeover). */
  long takeovers() {
    return entries().stream().filter(m -> "taken over".equals(m.get("kind"))).count();
  }

  /**
   * Seconds from its first claim to its end (its last event, when it has ended) or to {@code now};
   * null when it was never claimed.
   */
  Double elapsedSeconds(String state, Instant now) {
    Instant start = null;
    Instant end = null;
    for (JobStore.Event e : events) {
      Instant at = parse(e.at());
      if (start == null && JobStore.RUNNING.equals(e.state())) {
        start = at;
      }
      end = at;
    }
    if (start == null) {
      return null;
    }
    boolean ended = JobStore.DONE.equals(state) || JobStore.FAILED.equals(state) || JobStore.CANCELLED.equals(state)
        || JobStore.STOPPED.equals(state);
    Instant until = ended && end != null ? end : now;
    return Duration.between(start, until).toMillis() / 1000.0;
  }

  private static Instant parse(String at) {
    try {
      return at == null ? null : Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
