package dev.provpt.daemon;

import dev.provpt.config.SettingsException;

/** A cluster node cannot start (unreachable database, foreign cluster, unshared runs directory, no seed node). */
public final class ClusterStartException extends SettingsException {
  public ClusterStartException(String message) {
    super(message);
  }
}
