package dev.provpt.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * The single-node job store: an SQLite file ({@code <state-dir>/jobs.db}), one connection, one
 * writer (this process). A database written by an older provpt gains the new columns on open.
 */
public final class SqliteJobStore extends JdbcJobStore {
  private final Connection connection;

  public SqliteJobStore(Path file) {
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
        Set<String> columns = new HashSet<>();
        try (ResultSet r = s.executeQuery("PRAGMA table_info(jobs)")) {
          while (r.next()) {
            columns.add(r.getString("name"));
          }
        }
        addColumn(s, columns, "owner", "TEXT");
        addColumn(s, columns, "fence", "INTEGER NOT NULL DEFAULT 0");
        addColumn(s, columns, "lease_until", "INTEGER");
        addColumn(s, columns, "cancel_requested", "INTEGER NOT NULL DEFAULT 0");
        addColumn(s, columns, "submit_key", "TEXT");
        addColumn(s, columns, "requeues", "INTEGER NOT NULL DEFAULT 0");
        addColumn(s, columns, "requeue_causes", "TEXT");
        s.execute("CREATE UNIQUE INDEX IF NOT EXISTS jobs_submit_key ON jobs (submit_key)");
        s.execute("""
            CREATE TABLE IF NOT EXISTS job_events (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              job_id INTEGER NOT NULL,
              fence INTEGER NOT NULL,
              state TEXT NOT NULL,
              node TEXT,
              at TEXT NOT NULL)""");
        createAshaTables(s);
      }
      connection.setAutoCommit(false);
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the job database " + file + ": " + e.getMessage(), e);
    }
  }

  /** The tables of ASHA's decisions, as the cluster's migration V3 makes them ({@link AshaRungs}). */
  private static void createAshaTables(java.sql.Statement s) throws SQLException {
    s.execute("""
        CREATE TABLE IF NOT EXISTS asha_sweeps (
          sweep TEXT PRIMARY KEY,
          reduction_factor INTEGER NOT NULL,
          rung_epochs TEXT NOT NULL)""");
    s.execute("""
        CREATE TABLE IF NOT EXISTS asha_decisions (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          sweep TEXT NOT NULL REFERENCES asha_sweeps (sweep),
          job_id INTEGER NOT NULL REFERENCES jobs (id),
          rung INTEGER NOT NULL,
          kind TEXT NOT NULL,
          metric REAL,
          decision TEXT NOT NULL,
          fence INTEGER NOT NULL,
          node TEXT,
          at TEXT NOT NULL,
          UNIQUE (job_id, rung, kind))""");
    s.execute("CREATE INDEX IF NOT EXISTS asha_decisions_sweep ON asha_decisions (sweep, seq)");
  }

  private static void addColumn(java.sql.Statement s, Set<String> columns, String name, String type)
      throws SQLException {
    if (!columns.contains(name)) {
      s.execute("ALTER TABLE jobs ADD COLUMN " + name + " " + type);
    }
  }

  @Override
  synchronized <T> T inTransaction(Work<T> work) {
    try {
      T result = work.apply(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the original failure is the one to report
      }
      throw e instanceof SQLException sql ? StoreUnavailableException.from("job database", sql, true)
          : (RuntimeException) e;
    }
  }

  @Override
  String nowMillis() {
    return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  }

  @Override
  String lockClause() {
    return "";
  }

  @Override
  String rowLock() {
    return "";
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
