package dev.provpt.daemon;

import dev.provpt.rundir.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The probe that tells whether a node's {@code provpt.daemon.runs-dir} is the directory the
 * cluster shares: the first node of a cluster writes {@value #MARKER} there with the cluster id
 * and a random token it also records in the database; every later node must find the same two
 * words in its own runs directory before it starts. A node with a local, empty or foreign
 * directory refuses to start, so no job is ever resumed from, or written to, the wrong place.
 */
final class SharedRuns {
  static final String MARKER = ".provpt-cluster";

  private SharedRuns() {}

  /** Read only: the directory holds the marker of {@code identity}. */
  static void check(Path runs, PostgresJobStore.Identity identity) {
    Path marker = runs.resolve(MARKER);
    String expected = identity.clusterId() + " " + identity.runsToken();
    String found;
    try {
      found = Files.isRegularFile(marker) ? Files.readString(marker).trim() : null;
    } catch (IOException e) {
      throw new ClusterStartException("provpt.daemon.runs-dir " + runs + " cannot be read: " + e.getMessage());
    }
    if (found == null) {
      throw new ClusterStartException("provpt.daemon.runs-dir " + runs + " is not the runs directory cluster "
          + identity.clusterId() + " shares: it has no " + MARKER + " probe file (mount the shared directory there)");
    }
    if (!found.equals(expected)) {
      throw new ClusterStartException("provpt.daemon.runs-dir " + runs + " is not the runs directory cluster "
          + identity.clusterId() + " shares: its " + MARKER + " probe file belongs to another cluster or database");
    }
  }

  /** Read only, before a cluster's first node claims a fresh database: the directory must not belong to another. */
  static void checkUnclaimed(Path runs) {
    if (Files.isRegularFile(runs.resolve(MARKER))) {
      throw new ClusterStartException("provpt.daemon.runs-dir " + runs + " already belongs to a cluster (it holds "
          + MARKER + ") but the job database is new: point the node at that cluster's database or at an empty "
          + "directory");
    }
  }

  static void write(Path runs, PostgresJobStore.Identity identity) throws IOException {
    Files.createDirectories(runs);
    RunDirectory.writeAtomically(runs.resolve(MARKER), identity.clusterId() + " " + identity.runsToken() + "\n");
  }
}
