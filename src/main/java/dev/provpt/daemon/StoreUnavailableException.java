package dev.provpt.daemon;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * The job store could not be reached or was busy (no connection, a connection reset, the pool's
 * timeout, a serialization failure, the server shutting down, SQLite busy or locked): the same call
 * may succeed a moment later. Every other store error stays an {@link IllegalStateException}.
 */
public final class StoreUnavailableException extends InfrastructureException {
  /** PostgreSQL SQLSTATEs that a later attempt may not meet (serialization failure, deadlock, shutdown). */
  private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "55P03");
  /** SQLite result codes (the primary code, the low byte): busy, locked, I/O error, disk full. */
  private static final Set<Integer> SQLITE_TRANSIENT = Set.of(5, 6, 10, 13);

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code e} (or an SQLException it was caused by) is one a later attempt may not meet. */
  static boolean isTransient(SQLException e, boolean sqlite) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true; // includes the pool's SQLTransientConnectionException
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("53") || TRANSIENT_STATES.contains(state))) {
          return true; // 08: connection exceptions; 53: insufficient resources (disk full, too many connections)
        }
        if (sqlite && SQLITE_TRANSIENT.contains(sql.getErrorCode() & 0xff)) {
          return true;
        }
      }
      if (t instanceof java.io.IOException) {
        return true; // the driver's socket
      }
    }
    return false;
  }

  /** {@code e} as the exception a store call throws: this one when transient, else an IllegalStateException. */
  static RuntimeException from(String where, SQLException e, boolean sqlite) {
    String message = where + ": " + e.getMessage();
    return isTransient(e, sqlite) ? new StoreUnavailableException(message, e) : new IllegalStateException(message, e);
  }
}
