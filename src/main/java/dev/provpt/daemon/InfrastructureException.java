package dev.provpt.daemon;

/**
 * A failure of what a job runs on, not of the job: the job store unreachable or busy, a lease that
 * ran out while it was. A run stopped by one goes back to the queue (see {@link Fault}); it never
 * ends the job {@code failed} unless it keeps happening (provpt.daemon.max-infrastructure-requeues).
 */
public class InfrastructureException extends RuntimeException {
  public InfrastructureException(String message, Throwable cause) {
    super(message, cause);
  }
}
