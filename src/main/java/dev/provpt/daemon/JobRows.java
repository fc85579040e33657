package dev.provpt.daemon;

import dev.provpt.daemon.JobStore.Job;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The job table's statements: parameters bound in order, and a row of {@code jobs} read as a {@link JobStore.Job}. */
final class JobRows {
  private JobRows() {}

  static List<Job> query(Connection c, String sql, Object... values) throws SQLException {
    List<Job> jobs = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, values);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          double best = r.getDouble("best_val");
          Double bestVal = r.wasNull() ? null : best;
          jobs.add(new Job(r.getLong("id"), r.getString("name"), r.getString("state"), r.getString("config"),
              r.getString("run_dir"), r.getInt("epoch"), r.getInt("epochs"), bestVal, r.getString("error"),
              r.getString("created"), r.getString("updated"), r.getString("owner"), r.getLong("fence"),
              r.getString("submit_key"), r.getInt("requeues"), lastLine(r.getString("requeue_causes"))));
        }
      }
    }
    return jobs;
  }

  private static String lastLine(String text) {
    return text == null ? null : text.lines().reduce((a, b) -> b).orElse(null);
  }

  static int update(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, values);
      return s.executeUpdate();
    }
  }

  private static void bind(PreparedStatement s, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      s.setObject(i + 1, values[i]);
    }
  }

  /** Job {@code id}'s current fencing token, or −1 when there is no such job. */
  static long fence(Connection c, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT fence FROM jobs WHERE id = ?")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : -1;
      }
    }
  }

  /** Records one transition of a job ({@link JobStore#events}). */
  static void event(Connection c, long id, long fence, String state, String node) throws SQLException {
    update(c, "INSERT INTO job_events (job_id, fence, state, node, at) VALUES (?, ?, ?, ?, ?)", id, fence, state, node,
        java.time.Instant.now().toString());
  }
}
