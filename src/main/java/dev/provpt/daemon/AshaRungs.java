package dev.provpt.daemon;

import static dev.provpt.daemon.JobRows.update;

import dev.provpt.sweep.scheduler.Asha;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * ASHA's decisions for a sweep's grid jobs on the daemon, kept in the store (tables {@code asha_sweeps} and
 * {@code asha_decisions}): a job that reaches a rung reports there, and in the same transaction, holding the
 * sweep's row lock, the scheduler is rebuilt by replaying the sweep's rows in order ({@link #replay}), decides
 * ({@link Asha#report}), and its decisions are written as rows and applied to the jobs: the reporting job goes
 * back to the queue (promoted), stops ({@code stopped}) or is done (top rung); a stopped job that the report makes
 * promotable goes back to the queue. No decision lives in a process: a restarted daemon or another node rebuilds
 * the same scheduler from the rows, and two nodes reporting at once take turns on the lock.
 */
final class AshaRungs {
  static final String ARRIVAL = "arrival";
  static final String PROMOTION = "promotion";

  private AshaRungs() {}

  /** One row of asha_decisions: an arrival (its metric and decision) or a promotion ({@code promoted}). */
  record Row(long seq, long job, int rung, String kind, Double metric, String decision, String node, String at) {}

  /** What one report decided: the rung reached, the reporting job's decision, and the stopped jobs promoted now. */
  record Report(int rung, Asha.Decision decision, List<Long> promoted) {}

  /** A sweep's ASHA state in the store: its settings and every row, in order. */
  record Decisions(int reductionFactor, List<Integer> rungEpochs, List<Row> rows) {
    Asha replay() {
      return AshaRungs.replay(reductionFactor, rungEpochs, rows);
    }
  }

  /** The scheduler as the rows left it: every arrival reported and every promotion taken again, in order. */
  static Asha replay(int reductionFactor, List<Integer> rungEpochs, List<Row> rows) {
    Asha asha = new Asha(reductionFactor, rungEpochs);
    for (Row row : rows) {
      int run = Math.toIntExact(row.job());
      if (row.kind().equals(ARRIVAL)) {
        String decision = name(asha.report(run, row.rung(), row.metric()));
        if (!decision.equals(row.decision())) {
          throw new IllegalStateException("ASHA row " + row.seq() + " of job " + row.job() + " says " + row.decision()
              + " at rung " + row.rung() + " but its replay decides " + decision);
        }
      } else if (!asha.promotedFrom(run, row.rung())) {
        asha.promote(new Asha.Promotion(run, row.rung()));
      }
    }
    return asha;
  }

  /** The rung job {@code id} trains to now: 0, or one above the last rung it was promoted from. */
  static int rung(Connection c, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT MAX(rung) FROM asha_decisions WHERE job_id = ? AND kind = ?")) {
      s.setLong(1, id);
      s.setString(2, PROMOTION);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        int last = r.getInt(1);
        return r.wasNull() ? 0 : last + 1;
      }
    }
  }

  /**
   * The claimed job reached its rung with {@code metric}: ASHA decides, the rows are written and the decisions
   * applied, in the caller's transaction. {@code rowLock}: what locks a selected row until the commit (empty where
   * the store is one connection). Empty, and nothing written, when the claim is no longer the job's.
   */
  static Optional<Report> report(Connection c, String rowLock, JobStore.Claim claim, AshaJob job, double metric)
      throws SQLException {
    update(c, "INSERT INTO asha_sweeps (sweep, reduction_factor, rung_epochs) VALUES (?, ?, ?) "
        + "ON CONFLICT (sweep) DO NOTHING", job.sweep(), job.reductionFactor(), job.rungEpochsText());
    Decisions decisions = decisions(c, job.sweep(), rowLock).orElseThrow();
    if (!held(c, claim, rowLock)) {
      JdbcJobStore.LOG.warn("stale ASHA report refused: job {} fence {} is no longer running under that claim ({})",
          claim.id(), claim.fence(), claim.owner());
      return Optional.empty();
    }
    Asha asha = decisions.replay();
    int rung = rung(c, claim.id());
    Asha.Decision decision = asha.report(Math.toIntExact(claim.id()), rung, metric);
    insert(c, job.sweep(), claim.id(), rung, ARRIVAL, metric, name(decision), claim.fence(), claim.owner());
    String now = Instant.now().toString();
    switch (decision) {
      case PROMOTE -> {
        insert(c, job.sweep(), claim.id(), rung, PROMOTION, null, "promoted", claim.fence(), claim.owner());
        update(c, "UPDATE jobs SET state = ?, lease_until = NULL, updated = ? WHERE id = ?", JobStore.QUEUED, now,
            claim.id());
        JobRows.event(c, claim.id(), claim.fence(), JobStore.QUEUED, JobTimeline.PROMOTED + rung);
      }
      case PAUSE -> end(c, claim, JobStore.STOPPED, now);
      case TOP -> end(c, claim, JobStore.DONE, now);
    }
    List<Long> promoted = new ArrayList<>();
    for (Optional<Asha.Promotion> next = asha.nextPromotion(); next.isPresent(); next = asha.nextPromotion()) {
      Asha.Promotion p = next.get();
      asha.promote(p);
      long fence = JobRows.fence(c, p.run());
      insert(c, job.sweep(), p.run(), p.fromRung(), PROMOTION, null, "promoted", fence, claim.owner());
      if (update(c, "UPDATE jobs SET state = ?, updated = ? WHERE id = ? AND state = ?", JobStore.QUEUED, now,
          p.run(), JobStore.STOPPED) == 1) {
        JobRows.event(c, p.run(), fence, JobStore.QUEUED, JobTimeline.PROMOTED + p.fromRung());
      }
      promoted.add((long) p.run());
    }
    return Optional.of(new Report(rung, decision, List.copyOf(promoted)));
  }

  private static void end(Connection c, JobStore.Claim claim, String state, String now) throws SQLException {
    update(c, "UPDATE jobs SET state = ?, lease_until = NULL, updated = ? WHERE id = ?", state, now, claim.id());
    JobRows.event(c, claim.id(), claim.fence(), state, claim.owner());
  }

  /** Whether the claim is still the running job's, its row locked until the commit. */
  private static boolean held(Connection c, JobStore.Claim claim, String rowLock) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT state, fence FROM jobs WHERE id = ?" + rowLock)) {
      s.setLong(1, claim.id());
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getString(1).equals(JobStore.RUNNING) && r.getLong(2) == claim.fence();
      }
    }
  }

  /** The sweep's settings and rows; with {@code rowLock}, its row stays locked until the commit. */
  static Optional<Decisions> decisions(Connection c, String sweep, String rowLock) throws SQLException {
    int reductionFactor;
    List<Integer> rungEpochs;
    try (PreparedStatement s = c.prepareStatement("SELECT reduction_factor, rung_epochs FROM asha_sweeps "
        + "WHERE sweep = ?" + rowLock)) {
      s.setString(1, sweep);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        reductionFactor = r.getInt(1);
        rungEpochs = AshaJob.parseRungEpochs(r.getString(2));
      }
    }
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT seq, job_id, rung, kind, metric, decision, node, at "
        + "FROM asha_decisions WHERE sweep = ? ORDER BY seq")) {
      s.setString(1, sweep);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          double metric = r.getDouble(5);
          rows.add(new Row(r.getLong(1), r.getLong(2), r.getInt(3), r.getString(4), r.wasNull() ? null : metric,
              r.getString(6), r.getString(7), r.getString(8)));
        }
      }
    }
    return Optional.of(new Decisions(reductionFactor, rungEpochs, List.copyOf(rows)));
  }

  private static void insert(Connection c, String sweep, long job, int rung, String kind, Double metric,
      String decision, long fence, String node) throws SQLException {
    update(c, "INSERT INTO asha_decisions (sweep, job_id, rung, kind, metric, decision, fence, node, at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", sweep, job, rung, kind, metric, decision, fence, node,
        Instant.now().toString());
  }

  static String name(Asha.Decision decision) {
    return decision.name().toLowerCase(Locale.ROOT);
  }
}
