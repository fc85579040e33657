package dev.provpt.daemon;

import java.io.IOException;

/** Whose fault a run's failure was: the job's own (it ends {@code failed}) or the infrastructure's (it is requeued). */
enum Fault {
  /** Bad data, a NaN loss, an exception in the job's code, an invalid config. */
  JOB,
  /** The job store unreachable or busy, a lease lost to it, a file-system error writing the run directory. */
  INFRASTRUCTURE,
  /** Neither: the job was taken over by another claim, whose holder runs and ends it. */
  TAKEN_OVER;

  /**
   * The fault of a run that failed with {@code cause} while it trained. Its data is loaded before
   * training starts, so an I/O error met while it trains is one writing its run directory (metrics,
   * checkpoints, summary, export): the disk's fault, not the job's.
   */
  static Fault ofRun(Throwable cause) {
    return of(cause, true);
  }

  /** The fault of a start that failed with {@code cause} (reading its data can fail for the job's own reasons). */
  static Fault ofStart(Throwable cause) {
    return of(cause, false);
  }

  private static Fault of(Throwable cause, boolean ioIsInfrastructure) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof LeaseGuard.StaleWriteException) {
        return TAKEN_OVER;
      }
      if (t instanceof InfrastructureException || (ioIsInfrastructure && t instanceof IOException)) {
        return INFRASTRUCTURE;
      }
    }
    return JOB;
  }
}
