package dev.provpt.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Requeues for infrastructure faults, their budget, SQLite busy as an outage, and the schema's new columns. */
class StoreFaultsTest {
  @TempDir
  static Path tmp;
  private static int files;

  static Stream<String> stores() {
    return Stream.of("sqlite", "postgres");
  }

  private static JobStore open(String kind) throws Exception {
    return kind.equals("sqlite") ? new SqliteJobStore(tmp.resolve("faults-" + (++files) + ".db")) : TestPostgres.store();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aJobRequeuedForInfrastructureFaultsCountsThemAndFailsPastTheBudget(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      long id = store.submit("flaky", "provpt.name = flaky");
      JobStore.Claim first = null;
      for (int i = 1; i <= 2; i++) {
        JobStore.Claim claim = store.claim("node-a", Duration.ofMinutes(1)).orElseThrow();
        first = first == null ? claim : first;
        assertEquals(JobStore.Requeued.QUEUED, store.requeueFaulted(claim, "disk full " + i, 2));
        JobStore.Job job = store.get(id).orElseThrow();
        assertEquals(JobStore.QUEUED, job.state());
        assertEquals(i, job.requeues());
        assertTrue(job.requeueCause().endsWith(" disk full " + i), job.requeueCause());
        assertEquals(i, job.toMap().get("requeues"));
        assertEquals(job.requeueCause(), job.toMap().get("last_requeue_cause"));
      }
      assertEquals(JobStore.Requeued.STALE, store.requeueFaulted(first, "late", 2), "a stale claim requeues nothing");
      JobStore.Claim third = store.claim("node-b", Duration.ofMinutes(1)).orElseThrow();
      assertEquals(JobStore.Requeued.FAILED, store.requeueFaulted(third, "store reset", 2));
      JobStore.Job failed = store.get(id).orElseThrow();
      assertEquals(JobStore.FAILED, failed.state());
      assertEquals(3, failed.requeues());
      String error = failed.error();
      assertTrue(error.startsWith("requeued 3 times for infrastructure faults, more than "
          + "provpt.daemon.max-infrastructure-requeues (2); last causes: "), error);
      assertTrue(error.indexOf("disk full 1") < error.indexOf("disk full 2")
          && error.indexOf("disk full 2") < error.indexOf("store reset") && error.contains("disk full 1"), error);
      assertTrue(store.claim("node-c", Duration.ofMinutes(1)).isEmpty(), "a failed job is not claimed again");
      assertEquals(List.of("queued", "running", "queued", "running", "queued", "running", "failed"),
          store.events(id).stream().map(JobStore.Event::state).toList());
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anExpiredLeaseCountsAsAnInfrastructureRequeueAndARestartDoesNot(String kind) throws Exception {
    try (JobStore store = open(kind)) {
      long id = store.submit("leased", "provpt.name = leased");
      store.claim("node-a", Duration.ofMillis(-1000)).orElseThrow(); // a lease that has run out already
      assertEquals(1, store.requeueExpired(5));
      assertEquals(1, store.get(id).orElseThrow().requeues());
      assertTrue(store.get(id).orElseThrow().requeueCause().endsWith(" lease expired"));
      store.claim("local", null).orElseThrow();
      assertEquals(1, store.requeueInterrupted());
      assertEquals(1, store.get(id).orElseThrow().requeues(), "an operator's restart is not the job's fault count");
      store.claim("node-b", Duration.ofMillis(-1000)).orElseThrow();
      assertEquals(1, store.requeueExpired(0), "past the budget the expired job ends failed");
      assertEquals(JobStore.FAILED, store.get(id).orElseThrow().state());
    }
  }

  @Test
  void sqliteBusyIsAnOutageThatAWaitingWriteRidesOut() throws Exception {
    Path file = tmp.resolve("busy.db");
    try (SqliteJobStore store = new SqliteJobStore(file);
        Connection other = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      store.submit("busy", "provpt.name = busy");
      JobStore.Claim claim = store.claim("local", null).orElseThrow();
      try (var s = other.createStatement()) {
        s.execute("BEGIN EXCLUSIVE"); // another process holds the database: every read is SQLITE_BUSY
      }
      List<Duration> waits = new ArrayList<>();
      LeaseGuard guard = new LeaseGuard(store, claim, null, StoreRetry.DEFAULTS, System::nanoTime, wait -> {
        waits.add(wait);
        try (var s = other.createStatement()) {
          s.execute("COMMIT"); // the other process lets go
        } catch (java.sql.SQLException e) {
          throw new AssertionError(e);
        }
      });
      guard.check(); // busy once (after SQLite's own busy timeout), then it answers
      assertEquals(List.of(StoreRetry.DEFAULTS.initial()), waits, "one wait: busy was an outage, not an error");
    }
  }

  @Test
  void anOldSqliteDatabaseGainsTheRequeueColumnsOnOpen() throws Exception {
    Path file = tmp.resolve("old.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        var s = c.createStatement()) {
      s.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, state TEXT NOT NULL, "
          + "config TEXT NOT NULL, run_dir TEXT, epoch INTEGER NOT NULL DEFAULT 0, epochs INTEGER NOT NULL DEFAULT 0, "
          + "best_val REAL, error TEXT, created TEXT NOT NULL, updated TEXT NOT NULL)");
      s.execute("INSERT INTO jobs (name, state, config, created, updated) VALUES ('old', 'queued', 'x', 'a', 'b')");
    }
    try (SqliteJobStore store = new SqliteJobStore(file)) {
      assertEquals(0, store.get(1).orElseThrow().requeues());
      JobStore.Claim claim = store.claim("local", null).orElseThrow();
      assertEquals(JobStore.Requeued.QUEUED, store.requeueFaulted(claim, "disk full", 5));
      assertEquals(1, store.get(1).orElseThrow().requeues());
    }
  }

  @Test
  void anOldPostgresDatabaseIsMigratedToTheRequeueColumns() throws Exception {
    String url = TestPostgres.freshDatabase();
    Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration/postgresql").target("1")
        .load().migrate();
    try (Connection c = DriverManager.getConnection(url, "postgres", ""); var s = c.createStatement()) {
      s.execute("INSERT INTO jobs (name, state, config, created, updated) VALUES ('old', 'queued', 'x', 'a', 'b')");
    }
    try (PostgresJobStore store = PostgresJobStore.connect(url, "postgres", "", 2)) { // Flyway takes two
      store.migrate();
      JobStore.Job old = store.get(1).orElseThrow();
      assertEquals(0, old.requeues());
      assertEquals(null, old.requeueCause());
    }
  }
}
