package dev.provpt.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The daemon's job table, in an SQLite file: it survives restarts. Thread-safe. */
public final class JobStore implements AutoCloseable {
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  /** One row of the job table. */
  public record Job(long id, String name, String state, String config, String runDirectory, int epoch, int epochs,
      Double bestVal, String error, String created, String updated) {

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("name", name);
      m.put("state", state);
      m.put("epoch", epoch);
      m.put("epochs", epochs);
      m.put("best_val_acc", bestVal);
      m.put("error", error);
      m.put("run_dir", runDirectory);
      m.put("created", created);
      m.put("updated", updated);
      return m;
    }
  }

  private final Connection connection;

  public JobStore(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (var s = connection.createStatement()) {
        s.execute("""
            CREATE TABLE IF NOT EXISTS jobs (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              name TEXT NOT NULL,
              state TEXT NOT NULL,
              config TEXT NOT NULL,
              run_dir TEXT,
              epoch INTEGER NOT NULL DEFAULT 0,
              epochs INTEGER NOT NULL DEFAULT 0,
              best_val REAL,
              error TEXT,
              created TEXT NOT NULL,
              updated TEXT NOT NULL)""");
      }
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the job database " + file + ": " + e.getMessage(), e);
    }
  }

  public synchronized long submit(String name, String config) {
    String now = Instant.now().toString();
    try (PreparedStatement s = connection.prepareStatement(
        "INSERT INTO jobs (name, state, config, created, updated) VALUES (?, ?, ?, ?, ?)",
        PreparedStatement.RETURN_GENERATED_KEYS)) {
      s.setString(1, name);
      s.setString(2, QUEUED);
      s.setString(3, config);
      s.setString(4, now);
      s.setString(5, now);
      s.executeUpdate();
      try (ResultSet keys = s.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public synchronized List<Job> list() {
    return query("SELECT * FROM jobs ORDER BY id");
  }

  public synchronized Optional<Job> get(long id) {
    return query("SELECT * FROM jobs WHERE id = " + id).stream().findFirst();
  }

  /** The oldest queued job, if any. */
  public synchronized Optional<Job> nextQueued() {
    return query("SELECT * FROM jobs WHERE state = '" + QUEUED + "' ORDER BY id LIMIT 1").stream().findFirst();
  }

  /** Jobs that were running when the daemon stopped go back to the queue (they resume from their checkpoint). */
  public synchronized int requeueInterrupted() {
    return update("UPDATE jobs SET state = ?, updated = ? WHERE state = ?", QUEUED, Instant.now().toString(), RUNNING);
  }

  public synchronized void started(long id, String runDirectory, int epochs) {
    update("UPDATE jobs SET state = ?, run_dir = ?, epochs = ?, error = NULL, updated = ? WHERE id = ?", RUNNING,
        runDirectory, epochs, Instant.now().toString(), id);
  }

  public synchronized void progress(long id, int epoch, double bestVal) {
    update("UPDATE jobs SET epoch = ?, best_val = ?, updated = ? WHERE id = ?", epoch, bestVal,
        Instant.now().toString(), id);
  }

  public synchronized void finish(long id, String state, String error) {
    update("UPDATE jobs SET state = ?, error = ?, updated = ? WHERE id = ?", state, error, Instant.now().toString(), id);
  }

  private List<Job> query(String sql) {
    List<Job> jobs = new ArrayList<>();
    try (var s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        double best = r.getDouble("best_val");
        Double bestVal = r.wasNull() ? null : best;
        jobs.add(new Job(r.getLong("id"), r.getString("name"), r.getString("state"), r.getString("config"),
            r.getString("run_dir"), r.getInt("epoch"), r.getInt("epochs"), bestVal,
            r.getString("error"), r.getString("created"), r.getString("updated")));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return jobs;
  }

  private int update(String sql, Object... values) {
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        s.setObject(i + 1, values[i]);
      }
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
