package dev.provpt.daemon;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;

/** One embedded PostgreSQL server per test JVM (binaries from the zonky jar); a fresh database per caller. */
final class TestPostgres {
  private static EmbeddedPostgres server;
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private TestPostgres() {}

  static synchronized EmbeddedPostgres server() throws Exception {
    if (server == null) {
      server = EmbeddedPostgres.builder().start();
      EmbeddedPostgres started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (Exception ignored) {
          // the JVM is going away
        }
      }));
    }
    return server;
  }

  /** A new, empty database; returns its JDBC URL (user postgres, no password). */
  static String freshDatabase() throws Exception {
    String name = "provpt_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection c = server().getPostgresDatabase().getConnection(); var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + name;
  }

  static PostgresJobStore store() throws Exception {
    PostgresJobStore store = PostgresJobStore.connect(freshDatabase(), "postgres", "", 4);
    store.migrate();
    return store;
  }
}
