package dev.provpt.daemon;

import dev.provpt.sweep.scheduler.Asha;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the status pages and {@code provpt sweep --collect} read of a sweep searched by ASHA on the daemon: per grid
 * point its rung, ASHA state and standing, and the sweep's section (settings, pick, epochs, every decision), all
 * from the store's rows ({@link AshaRungs}).
 */
final class AshaViews {
  private AshaViews() {}

  /**
   * Adds {@code rung} (the last rung reached, −1 before any), {@code asha_state} (queued, running, promoted: queued
   * to go on to the next rung, stopped or done), {@code asha_epochs} (the epoch of its last rung) and
   * {@code asha_why} (its standing there) to each grid point's row; returns the sweep's section, or empty when its
   * grid is not ASHA's.
   */
  static Optional<Map<String, Object>> annotate(JobStore store, String sweep, List<JobStore.Job> grid,
      List<Map<String, Object>> rows) {
    // the first grid job's text says for the sweep (its points share the settings; a page asks every refresh)
    Optional<AshaJob> settings = grid.isEmpty() ? Optional.empty() : AshaJob.of(grid.get(0));
    if (settings.isEmpty()) {
      return Optional.empty();
    }
    AshaRungs.Decisions decisions = store.ashaDecisions(sweep).orElse(new AshaRungs.Decisions(
        settings.get().reductionFactor(), settings.get().rungEpochs(), List.of()));
    Asha asha = decisions.replay();
    Map<Long, String> names = new HashMap<>();
    for (int i = 0; i < grid.size(); i++) {
      JobStore.Job job = grid.get(i);
      Map<String, Object> row = rows.get(i);
      names.put(job.id(), String.valueOf(row.get("run")));
      int rung = asha.lastRung(Math.toIntExact(job.id()));
      row.put("rung", rung);
      row.put("asha_state", state(job, rung, asha));
      row.put("asha_epochs", rung < 0 ? 0 : decisions.rungEpochs().get(rung));
      row.put("asha_why", asha.standing(Math.toIntExact(job.id())));
    }
    return Optional.of(section(decisions, asha, names, grid.size(), settings.get().epochs()));
  }

  private static String state(JobStore.Job job, int rung, Asha asha) {
    if (job.state().equals(JobStore.QUEUED) && rung >= 0 && asha.promotedFrom(Math.toIntExact(job.id()), rung)) {
      return "promoted";
    }
    return job.state();
  }

  private static Map<String, Object> section(AshaRungs.Decisions decisions, Asha asha, Map<Long, String> names,
      int points, int epochs) {
    List<Integer> rungEpochs = decisions.rungEpochs();
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("reduction_factor", decisions.reductionFactor());
    section.put("rung_epochs", rungEpochs);
    section.put("pick", asha.pick().isPresent() ? names.get((long) asha.pick().getAsInt()) : null);
    int trained = 0;
    List<Map<String, Object>> events = new ArrayList<>();
    for (AshaRungs.Row row : decisions.rows()) {
      if (!row.kind().equals(AshaRungs.ARRIVAL)) {
        continue;
      }
      trained += rungEpochs.get(row.rung()) - (row.rung() == 0 ? 0 : rungEpochs.get(row.rung() - 1));
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("run", names.get(row.job()));
      event.put("job", row.job());
      event.put("rung", row.rung());
      event.put("epoch", rungEpochs.get(row.rung()));
      event.put("best_val_acc", row.metric());
      event.put("decision", row.decision());
      event.put("node", row.node());
      event.put("at", row.at());
      events.add(event);
    }
    section.put("epochs_trained", trained);
    section.put("grid_epochs", points * epochs);
    section.put("events", events);
    return section;
  }
}
