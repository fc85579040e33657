package dev.provpt.daemon;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.flywaydb.core.Flyway;

/**
 * The cluster's job store: PostgreSQL through a HikariCP pool, its schema kept by Flyway
 * ({@code db/migration/postgresql}). A claim locks the oldest queued row with
 * {@code FOR UPDATE SKIP LOCKED}, so nodes claiming at once never wait on or take the same job.
 */
public final class PostgresJobStore extends JdbcJobStore {
  /** Who this database belongs to (see {@link #identity()}). */
  public record Identity(String clusterId, String runsToken) {}

  private final HikariDataSource pool;
  private final String url;

  private PostgresJobStore(HikariDataSource pool, String url) {
    this.pool = pool;
    this.url = url;
  }

  /** A pool of connections to {@code url}; fails at once, in one line, when the database cannot be reached. */
  public static PostgresJobStore connect(String url, String user, String password, int poolSize) {
    return connect(url, user, password, poolSize, java.time.Duration.ofSeconds(5));
  }

  /** As above; a call waits at most {@code connectionTimeout} for a connection (then the store is unavailable). */
  public static PostgresJobStore connect(String url, String user, String password, int poolSize,
      java.time.Duration connectionTimeout) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(connectionTimeout.toMillis());
    config.setInitializationFailTimeout(Math.max(connectionTimeout.toMillis(), 5_000));
    config.setPoolName("provpt-jobs");
    config.setAutoCommit(false);
    try {
      return new PostgresJobStore(new HikariDataSource(config), url);
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw new ClusterStartException("cannot reach the job database " + url + ": "
          + String.valueOf(cause.getMessage()).lines().findFirst().orElse(cause.toString()));
    }
  }

  /** The cluster this database belongs to; empty when none has claimed it yet (read only). */
  public Optional<Identity> identity() {
    return inTransaction(c -> {
      try (var s = c.createStatement(); ResultSet r = s.executeQuery(
          "SELECT to_regclass('cluster_identity') IS NOT NULL")) {
        r.next();
        if (!r.getBoolean(1)) {
          return Optional.empty();
        }
      }
      try (var s = c.createStatement(); ResultSet r = s.executeQuery(
          "SELECT cluster_id, runs_token FROM cluster_identity WHERE singleton = 1")) {
        return r.next() ? Optional.of(new Identity(r.getString(1), r.getString(2))) : Optional.empty();
      }
    });
  }

  /** Brings the schema up to date (Flyway; concurrent nodes wait on its lock). */
  public void migrate() {
    Flyway.configure().dataSource(pool).locations("classpath:db/migration/postgresql").load().migrate();
  }

  /**
   * Records {@code wanted} as this database's owner unless another is recorded already; returns
   * the one that holds.
   */
  public Identity claimIdentity(Identity wanted) {
    return inTransaction(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO cluster_identity (singleton, cluster_id, runs_token, "
          + "created) VALUES (1, ?, ?, ?) ON CONFLICT (singleton) DO NOTHING")) {
        s.setString(1, wanted.clusterId());
        s.setString(2, wanted.runsToken());
        s.setString(3, Instant.now().toString());
        s.executeUpdate();
      }
      try (var s = c.createStatement(); ResultSet r = s.executeQuery(
          "SELECT cluster_id, runs_token FROM cluster_identity WHERE singleton = 1")) {
        r.next();
        return new Identity(r.getString(1), r.getString(2));
      }
    });
  }

  public String url() {
    return url;
  }

  @Override
  <T> T inTransaction(Work<T> work) {
    try (Connection c = pool.getConnection()) {
      try {
        T result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw StoreUnavailableException.from("job database " + url, e, false);
    }
  }

  /** A rollback on a connection that broke fails too: the error to report is the first one. */
  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is gone; the transaction died with it
    }
  }

  @Override
  String nowMillis() {
    return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
  }

  @Override
  String lockClause() {
    return " FOR UPDATE SKIP LOCKED";
  }

  @Override
  String rowLock() {
    return " FOR UPDATE";
  }

  @Override
  public void close() {
    pool.close();
  }
}
