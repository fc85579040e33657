package dev.provpt.daemon;

import static dev.provpt.daemon.JobRows.query;
import static dev.provpt.daemon.JobRows.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job table in SQL that SQLite and PostgreSQL both understand; the subclasses supply
 * connections and transactions, the database's clock and the claim's row lock. Times of leases
 * are the database's milliseconds since the epoch, so the nodes' clocks need not agree.
 */
abstract class JdbcJobStore implements JobStore {
  static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  @FunctionalInterface
  interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** Runs {@code work} in one transaction (committed when it returns, rolled back when it throws). */
  abstract <T> T inTransaction(Work<T> work);

  /** An SQL expression: the database's current time in milliseconds since the epoch. */
  abstract String nowMillis();

  /** What follows the claim's sub-select to lock the row it picks (empty where the store is one connection). */
  abstract String lockClause();

  /** What follows a select to lock its rows until the commit, waiting (empty where the store is one connection). */
  abstract String rowLock();

  @Override
  public long submit(String name, String config) {
    return inTransaction(c -> insert(c, null, name, config));
  }

  @Override
  public Submitted submitOnce(String key, String name, String config) {
    return inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT id FROM jobs WHERE submit_key = ?")) {
        s.setString(1, key);
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) {
            long id = r.getLong(1);
            // a cancelled run of a sweep is queued again (resuming from its checkpoint, if it had one):
            // cancelling part of a sweep postpones it rather than dropping it for good
            List<Job> requeued = query(c, "UPDATE jobs SET state = ?, config = ?, error = NULL, cancel_requested = 0, "
                + "updated = ? WHERE id = ? AND state = ? RETURNING *", QUEUED, config, Instant.now().toString(), id,
                CANCELLED);
            if (!requeued.isEmpty()) {
              JobRows.event(c, id, requeued.get(0).fence(), QUEUED, null);
            }
            return new Submitted(id, !requeued.isEmpty());
          }
        }
      }
      return new Submitted(insert(c, key, name, config), true);
    });
  }

  private long insert(Connection c, String key, String name, String config) throws SQLException {
    String now = Instant.now().toString();
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO jobs (name, state, config, submit_key, created, updated) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
      s.setString(1, name);
      s.setString(2, QUEUED);
      s.setString(3, config);
      s.setString(4, key);
      s.setString(5, now);
      s.setString(6, now);
      try (ResultSet keys = s.executeQuery()) {
        keys.next();
        long id = keys.getLong(1);
        JobRows.event(c, id, 0, QUEUED, null);
        return id;
      }
    }
  }

  @Override
  public List<Job> list() {
    return inTransaction(c -> query(c, "SELECT * FROM jobs ORDER BY id"));
  }

  @Override
  public Optional<Job> get(long id) {
    return inTransaction(c -> query(c, "SELECT * FROM jobs WHERE id = ?", id).stream().findFirst());
  }

  @Override
  public List<Job> withKeyPrefix(String prefix) {
    return inTransaction(c -> query(c, "SELECT * FROM jobs WHERE submit_key LIKE ? ESCAPE '\\' ORDER BY id",
        prefix.replace("%", "\\%").replace("_", "\\_") + "%"));
  }

  @Override
  public Optional<Claim> claim(String owner, Duration lease) {
    return inTransaction(c -> {
      List<Job> claimed = query(c, "UPDATE jobs SET state = ?, owner = ?, fence = fence + 1, cancel_requested = 0, "
          + "lease_until = " + leaseUntil(lease) + ", updated = ? WHERE id = (SELECT id FROM jobs WHERE state = ? "
          + "ORDER BY id LIMIT 1" + lockClause() + ") RETURNING *", RUNNING, owner, Instant.now().toString(), QUEUED);
      if (claimed.isEmpty()) {
        return Optional.empty();
      }
      Job job = claimed.get(0);
      JobRows.event(c, job.id(), job.fence(), RUNNING, owner);
      return Optional.of(new Claim(job, job.fence(), owner));
    });
  }

  private String leaseUntil(Duration lease) {
    return lease == null ? "NULL" : "(" + nowMillis() + " + " + lease.toMillis() + ")";
  }

  @Override
  public boolean started(Claim claim, String runDirectory, int epochs) {
    return fenced(claim, "started", "run_dir = ?, epochs = ?, error = NULL", runDirectory, epochs);
  }

  @Override
  public boolean progress(Claim claim, int epoch, double bestVal) {
    return fenced(claim, "progress", "epoch = ?, best_val = ?", epoch, bestVal);
  }

  @Override
  public boolean finish(Claim claim, String state, String error) {
    return inTransaction(c -> {
      boolean applied = update(c, "UPDATE jobs SET state = ?, error = ?, lease_until = NULL, updated = ? "
          + "WHERE id = ? AND fence = ? AND state = ?", state, error, Instant.now().toString(), claim.id(),
          claim.fence(), RUNNING) == 1;
      if (applied) {
        JobRows.event(c, claim.id(), claim.fence(), state, claim.owner());
      } else {
        refused(c, claim, "finish " + state);
      }
      return applied;
    });
  }

  /** An update of a claimed job's row, applied only under its current token. */
  private boolean fenced(Claim claim, String what, String assignments, Object... values) {
    return inTransaction(c -> {
      Object[] all = new Object[values.length + 4];
      System.arraycopy(values, 0, all, 0, values.length);
      all[values.length] = Instant.now().toString();
      all[values.length + 1] = claim.id();
      all[values.length + 2] = claim.fence();
      all[values.length + 3] = RUNNING;
      boolean applied = update(c, "UPDATE jobs SET " + assignments + ", updated = ? WHERE id = ? AND fence = ? "
          + "AND state = ?", all) == 1;
      if (!applied) {
        refused(c, claim, what);
      }
      return applied;
    });
  }

  private void refused(Connection c, Claim claim, String what) throws SQLException {
    long current = fence(c, claim.id());
    if (current == claim.fence()) {
      LOG.warn("write refused: job {} has already ended ({} by {})", claim.id(), what, claim.owner());
    } else {
      LOG.warn("stale write refused: job {} fence {} < {} ({} by {})", claim.id(), claim.fence(), current, what,
          claim.owner());
    }
  }

  @Override
  public long fence(long id) {
    return inTransaction(c -> fence(c, id));
  }

  private long fence(Connection c, long id) throws SQLException {
    return JobRows.fence(c, id);
  }

  @Override
  public Map<Long, Renewal> renew(List<Claim> claims, Duration lease) {
    return inTransaction(c -> {
      Map<Long, Renewal> result = new LinkedHashMap<>();
      for (Claim claim : claims) {
        List<Job> held = query(c, "UPDATE jobs SET lease_until = " + leaseUntil(lease) + " WHERE id = ? AND fence = ? "
            + "AND state = ? RETURNING *", claim.id(), claim.fence(), RUNNING);
        if (held.isEmpty()) {
          result.put(claim.id(), Renewal.LOST);
        } else {
          result.put(claim.id(), cancelRequested(c, claim.id()) ? Renewal.CANCEL_REQUESTED : Renewal.HELD);
        }
      }
      return result;
    });
  }

  private boolean cancelRequested(Connection c, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT cancel_requested FROM jobs WHERE id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && r.getInt(1) != 0;
      }
    }
  }

  @Override
  public boolean requestCancel(long id) {
    return inTransaction(c -> {
      // a queued job ends here; so does one ASHA stopped at a rung, which then is never promoted (promotion only
      // requeues a stopped job); a running one is asked through its owner's lease
      for (String state : List.of(QUEUED, STOPPED)) {
        String why = state.equals(QUEUED) ? "cancelled before it started" : "cancelled while stopped at an ASHA rung";
        List<Job> cancelled = query(c, "UPDATE jobs SET state = ?, error = ?, updated = ? WHERE id = ? AND state = ? "
            + "RETURNING *", CANCELLED, why, Instant.now().toString(), id, state);
        if (!cancelled.isEmpty()) {
          JobRows.event(c, id, cancelled.get(0).fence(), CANCELLED, null);
          return true;
        }
      }
      return update(c, "UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND state = ?", id, RUNNING) == 1;
    });
  }

  @Override
  public int requeueExpired(int maxRequeues) {
    return requeue("lease_until IS NOT NULL AND lease_until < " + nowMillis(), "lease expired", maxRequeues).size();
  }

  @Override
  public int requeueOwnedBy(String owner, int maxRequeues) {
    return requeue("owner = ?", "owner left: " + owner, maxRequeues, owner).size();
  }

  @Override
  public int requeueInterrupted() {
    // a restart of the single node is the operator's doing: not counted against the job
    return requeue("1 = 1", "daemon restarted", -1).size();
  }

  @Override
  public Requeued requeueFaulted(Claim claim, String cause, int maxRequeues) {
    List<Job> changed = requeue("id = ? AND fence = ?", cause, maxRequeues, claim.id(), claim.fence());
    if (changed.isEmpty()) {
      return Requeued.STALE;
    }
    return changed.get(0).state().equals(FAILED) ? Requeued.FAILED : Requeued.QUEUED;
  }

  /**
   * Running jobs that match {@code condition} go back to the queue with a new token. With
   * {@code maxRequeues} >= 0 each is counted as a requeue for an infrastructure fault ({@code why}
   * joins its causes), and one requeued more than {@code maxRequeues} times ends failed instead.
   * Returns the changed jobs as they are now.
   */
  private List<Job> requeue(String condition, String why, int maxRequeues, Object... values) {
    boolean counted = maxRequeues >= 0;
    return inTransaction(c -> {
      List<Object> all = new ArrayList<>(List.of(QUEUED, Instant.now().toString()));
      String count = "";
      if (counted) {
        count = ", requeues = requeues + 1, requeue_causes = COALESCE(requeue_causes || ?, '') || ?";
        all.addAll(List.of("\n", Instant.now() + " " + why));
      }
      all.add(RUNNING);
      all.addAll(List.of(values));
      List<Job> requeued = query(c, "UPDATE jobs SET state = ?, lease_until = NULL, fence = fence + 1, updated = ?"
          + count + " WHERE state = ? AND " + condition + " RETURNING *", all.toArray());
      List<Job> changed = new ArrayList<>();
      for (Job job : requeued) {
        if (counted && job.requeues() > maxRequeues) {
          changed.add(giveUp(c, job, maxRequeues));
        } else {
          JobRows.event(c, job.id(), job.fence(), QUEUED, why);
          changed.add(job);
        }
      }
      return changed;
    });
  }

  /** Causes of a job's requeues kept in its failure reason once it has been requeued too often. */
  private static final int CAUSES_LISTED = 3;

  /** A job requeued too often for infrastructure faults ends failed, its reason listing its last causes. */
  private Job giveUp(Connection c, Job job, int maxRequeues) throws SQLException {
    List<String> causes = causes(c, job.id());
    String reason = "requeued " + job.requeues() + " times for infrastructure faults, more than "
        + "provpt.daemon.max-infrastructure-requeues (" + maxRequeues + "); last causes: "
        + String.join("; ", causes.subList(Math.max(0, causes.size() - CAUSES_LISTED), causes.size()));
    List<Job> failed = query(c, "UPDATE jobs SET state = ?, error = ?, updated = ? WHERE id = ? RETURNING *", FAILED,
        reason, Instant.now().toString(), job.id());
    JobRows.event(c, job.id(), job.fence(), FAILED, null);
    LOG.warn("job {} failed: {}", job.id(), reason);
    return failed.get(0);
  }

  private static List<String> causes(Connection c, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT requeue_causes FROM jobs WHERE id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        String all = r.next() ? r.getString(1) : null;
        return all == null ? List.of() : all.lines().toList();
      }
    }
  }

  @Override
  public List<Event> events(long id) {
    return inTransaction(c -> {
      List<Event> events = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT job_id, fence, state, node, at FROM job_events WHERE job_id = ? ORDER BY seq")) {
        s.setLong(1, id);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            events.add(new Event(r.getLong(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5)));
          }
        }
      }
      return events;
    });
  }

  @Override
  public int ashaRung(long id) {
    return inTransaction(c -> AshaRungs.rung(c, id));
  }

  @Override
  public Optional<AshaRungs.Report> reportRung(Claim claim, AshaJob job, double metric) {
    return inTransaction(c -> AshaRungs.report(c, rowLock(), claim, job, metric));
  }

  @Override
  public Optional<AshaRungs.Decisions> ashaDecisions(String sweep) {
    return inTransaction(c -> AshaRungs.decisions(c, sweep, ""));
  }
}
