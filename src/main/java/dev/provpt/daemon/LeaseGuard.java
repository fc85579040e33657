package dev.provpt.daemon;

import dev.provpt.rundir.RunDirectory;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write guard of a claimed job's run directory: before every write the claim's token must
 * still be the job's. While the job store cannot be reached the write waits, retrying with
 * back-off ({@link StoreRetry}), for as long as the claim's lease lasts as far as this node knows
 * (its last successful renewal plus the lease; a single node, which has no lease, waits
 * {@link StoreRetry#giveUpAfter}); the run pauses at that write instead of failing. Past that, the
 * write is refused with an {@link InfrastructureException} as its cause, and the job manager
 * requeues the job. A token that is no longer the job's refuses the write at once.
 *
 * <p>Called on the run's own threads; {@link #renewed} is called by the job manager.
 */
final class LeaseGuard implements RunDirectory.WriteGuard {
  private static final Logger LOG = LoggerFactory.getLogger(JobManager.class);

  /** How a retry waits (a test may count instead of sleeping). */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration wait) throws InterruptedException;
  }

  /** The claim's token is no longer the job's: it was taken over, and its new holder writes the run. */
  static final class StaleWriteException extends RunDirectory.WriteRefusedException {
    StaleWriteException(String message) {
      super(message, null);
    }
  }

  private final JobStore store;
  private final JobStore.Claim claim;
  private final Duration lease;
  private final StoreRetry retry;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  /** Until when (System.nanoTime) this node holds the lease as far as it knows. */
  private volatile long heldUntil;

  LeaseGuard(JobStore store, JobStore.Claim claim, Duration lease, StoreRetry retry) {
    this(store, claim, lease, retry, System::nanoTime, wait -> Thread.sleep(wait.toMillis()));
  }

  LeaseGuard(JobStore store, JobStore.Claim claim, Duration lease, StoreRetry retry, LongSupplier nanoTime,
      Sleeper sleeper) {
    this.store = store;
    this.claim = claim;
    this.lease = lease;
    this.retry = retry;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.heldUntil = lease == null ? Long.MAX_VALUE : nanoTime.getAsLong() + lease.toNanos();
  }

  /** A renewal asked at {@code askedAt} (System.nanoTime) found the lease held: it lasts until askedAt + lease. */
  void renewed(long askedAt) {
    if (lease != null) {
      heldUntil = Math.max(heldUntil, askedAt + lease.toNanos());
    }
  }

  @Override
  public void check() {
    long current = currentFence();
    if (current != claim.fence()) {
      String message = "stale write refused: job " + claim.id() + " fence " + claim.fence() + " < " + current;
      LOG.warn("{}", message);
      throw new StaleWriteException(message);
    }
  }

  /** The job's token, read again while the store is unavailable and the lease lasts. */
  private long currentFence() {
    long start = nanoTime.getAsLong();
    long deadline = lease == null ? start + retry.giveUpAfter().toNanos() : heldUntil;
    Duration wait = Duration.ZERO;
    int attempts = 0;
    while (true) {
      try {
        long fence = store.fence(claim.id());
        if (attempts > 0) {
          LOG.info("job {}: the job store answers again after {} retries; its run goes on", claim.id(), attempts);
        }
        return fence;
      } catch (StoreUnavailableException e) {
        if (attempts == 0) {
          LOG.warn("job {}: the job store is unavailable before a write to its run directory, retrying while "
              + "{}: {}", claim.id(), lease == null ? "give-up-after lasts" : "its lease lasts", e.getMessage());
        }
        attempts++;
        long now = nanoTime.getAsLong();
        deadline = lease == null ? deadline : heldUntil;
        if (now >= deadline) {
          String why = (lease == null ? "the job store was unavailable for "
              + retry.giveUpAfter().toString().substring(2).toLowerCase() : "the job store was unavailable until the "
              + "lease ran out") + " (" + attempts + " attempts): "
              + e.getMessage();
          throw new RunDirectory.WriteRefusedException("job " + claim.id() + ": write refused: " + why,
              new InfrastructureException(why, e));
        }
        wait = retry.next(wait);
        pause(Duration.ofNanos(Math.min(wait.toNanos(), deadline - now)));
      }
    }
  }

  private void pause(Duration wait) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunDirectory.WriteRefusedException("job " + claim.id() + ": interrupted while waiting for the job "
          + "store", new InfrastructureException("interrupted while waiting for the job store", e));
    }
  }
}
