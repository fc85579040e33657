package dev.provpt.daemon;

import dev.provpt.run.RunOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;

/**
 * The job manager's ends of jobs: a run's outcome decides a job's final state, or its return to
 * the queue after an infrastructure fault, and this writes it. Each runs on the blocking dispatcher (through the manager's
 * {@link JobManager#offload}); one that meets an unavailable store is written again with back-off.
 * After a requeue for a fault the node claims nothing for a while ({@link #pausing}).
 */
final class JobEnds {

  /**
   * A job's end in {@code state}, or its requeue ({@code state} null) for {@code why}; {@code waited}:
   * the back-off before this attempt.
   */
  record End(JobStore.Claim claim, String state, String why, Duration waited) {
    String what() {
      return state == null ? "requeue" : "finish";
    }
  }

  private final JobManager manager;
  private final TimerScheduler<JobManager.Command> timers;
  private final JobStore store;
  private final StoreRetry retry;
  private final Map<Long, HeldJob> jobs;
  private final Logger log;
  /** Infrastructure requeues by this node since a job last ended done here, and until when it claims nothing. */
  private int faultStreak;
  private long claimsPausedUntil = System.nanoTime();
  /** Requeues being written: the node claims nothing until they are (it would take the same job back at once). */
  private int requeuesInFlight;

  JobEnds(JobManager manager, TimerScheduler<JobManager.Command> timers, JobStore store, StoreRetry retry,
      Map<Long, HeldJob> jobs, Logger log) {
    this.jobs = jobs;
    this.manager = manager;
    this.timers = timers;
    this.store = store;
    this.retry = retry;
    this.log = log;
  }

  /** A run's one outcome; its job (found by its run directory) ends as {@link #ofRun(HeldJob, RunOutcome)} says. */
  Behavior<JobManager.Command> ofRun(RunOutcome outcome) {
    Path root = outcome.runDirectory().toAbsolutePath().normalize();
    Optional<HeldJob> job = jobs.values().stream().filter(j -> j.stage() == HeldJob.Stage.RUNNING
        && j.directory().toAbsolutePath().normalize().equals(root)).findFirst();
    job.ifPresent(held -> ofRun(held, outcome));
    return job.isPresent() ? manager.forget(job.get().id()) : manager;
  }

  /** A run's supervisor stopped: after its outcome, nothing to do; without one, the job fails. */
  Behavior<JobManager.Command> stopped(long id, long fence) {
    HeldJob job = jobs.get(id);
    if (job == null || job.claim().fence() != fence) {
      return manager;
    }
    if (!job.lost()) {
      finish(job.claim(), JobStore.FAILED, "the run stopped without an outcome");
    }
    return manager.forget(id);
  }

  /** A run's one outcome: the job ends, goes back to the queue, or (taken over) is left to its new holder. */
  private void ofRun(HeldJob job, RunOutcome outcome) {
    Fault fault = Fault.ofRun(outcome.cause());
    if (outcome.succeeded()) {
      Optional<AshaJob> asha = AshaJob.of(job.claim().job());
      if (asha.isPresent()) {
        reportRung(job.claim(), asha.get(), ((Number) outcome.summary().get("best_val_acc")).doubleValue());
      } else {
        finish(job.claim(), JobStore.DONE, null);
      }
    } else if (job.cancelling()) {
      finish(job.claim(), JobStore.CANCELLED, outcome.error());
    } else if (job.lost() || fault == Fault.TAKEN_OVER) {
      // taken over: its successor ends it; a write under this claim would only be refused
      log.info("job {} stopped on this node: {}", job.id(), outcome.error());
    } else if (fault == Fault.INFRASTRUCTURE) {
      requeue(job.claim(), outcome.error());
    } else {
      finish(job.claim(), JobStore.FAILED, outcome.error());
    }
  }

  /**
   * An ASHA grid job ended its segment at a rung: ASHA decides in the store ({@link AshaRungs}). Written again (as
   * a requeue: its run, resumed, ends at once and reports again) when the store is unavailable; a report the
   * sweep's rows refuse fails the job.
   */
  private void reportRung(JobStore.Claim claim, AshaJob asha, double metric) {
    manager.offload(() -> store.reportRung(claim, asha, metric), (report, error) -> {
      if (error instanceof StoreUnavailableException) {
        requeue(claim, "cannot record its ASHA rung: " + error.getMessage());
      } else if (error != null) {
        finish(claim, JobStore.FAILED, "ASHA: " + error.getMessage());
      } else if (report.isEmpty()) {
        log.info("job {} was taken over before its ASHA rung was recorded", claim.id());
      } else {
        AshaRungs.Report r = report.get();
        log.info("job {} reached ASHA rung {} (val acc {}): {}{}", claim.id(), r.rung(), metric,
            AshaRungs.name(r.decision()), r.promoted().isEmpty() ? "" : "; promoted " + r.promoted());
        faultStreak = 0;
      }
      return manager.startQueued();
    });
  }

  /** Ends the claimed job in {@code state}. */
  void finish(JobStore.Claim claim, String state, String error) {
    write(new End(claim, state, error, Duration.ZERO));
  }

  /** A bad job fails alone: its config, data or model is reported, the daemon goes on. */
  void fail(JobStore.Claim claim, Throwable error) {
    String reason = error.getMessage() == null ? error.toString() : error.getMessage();
    log.warn("job {} cannot start: {}", claim.id(), reason);
    finish(claim, JobStore.FAILED, reason);
  }

  /**
   * The job's run stopped for an infrastructure fault: it goes back to the queue (or ends failed,
   * once requeued too often).
   */
  void requeue(JobStore.Claim claim, String why) {
    write(new End(claim, null, why, Duration.ZERO));
  }

  /**
   * Writes {@code end}. While the store is unavailable it is tried again later: on a cluster the
   * claim goes stale once the lease runs out (the job is requeued by whichever node sees it
   * expire), so the retries end there too.
   */
  Behavior<JobManager.Command> write(End end) {
    if (end.state() != null) {
      manager.offload(() -> store.finish(end.claim(), end.state(), end.why()), (done, error) -> {
        if (error == null && done && end.state().equals(JobStore.DONE)) {
          log.info("job {} done (fence {})", end.claim().id(), end.claim().fence());
          faultStreak = 0;
        }
        return written(end, error);
      });
    } else {
      requeuesInFlight++;
      manager.offload(() -> store.requeueFaulted(end.claim(), end.why(), retry.maxRequeues()), (requeued, error) -> {
        requeuesInFlight--;
        if (error == null) {
          requeued(end, requeued);
        }
        return written(end, error);
      });
    }
    return manager;
  }

  private void requeued(End end, JobStore.Requeued requeued) {
    long id = end.claim().id();
    switch (requeued) {
      case QUEUED -> {
        log.warn("job {} goes back to the queue (infrastructure fault, not the job's): {}", id, end.why());
        backOff();
      }
      case FAILED -> log.warn("job {} requeued too often for infrastructure faults: failed", id);
      case STALE -> log.info("job {} was taken over before it could be requeued", id);
    }
  }

  private Behavior<JobManager.Command> written(End end, Throwable error) {
    if (error instanceof StoreUnavailableException) {
      Duration wait = retry.next(end.waited());
      log.warn("job store unavailable ({} job {}), trying again in {} ms: {}", end.what(), end.claim().id(),
          wait.toMillis(), error.getMessage());
      timers.startSingleTimer(new JobManager.RetryEnd(new End(end.claim(), end.state(), end.why(), wait)), wait);
    } else if (error != null) {
      log.warn("job store error ({} job {}): {}", end.what(), end.claim().id(), error.getMessage());
    }
    return manager.startQueued();
  }

  /**
   * After requeueing a job for an infrastructure fault this node claims nothing for a while,
   * longer after each (store-retry.max times the faults in a row): a fault that lasts a few seconds
   * (a full disk) does not use up a job's requeues at once; another node may take the job sooner.
   */
  private void backOff() {
    faultStreak++;
    Duration pause = retry.max().multipliedBy(faultStreak);
    claimsPausedUntil = System.nanoTime() + pause.toNanos();
    timers.startSingleTimer("claims-paused", new JobManager.Wake(), pause);
  }

  /** Whether this node is backing off after an infrastructure fault (a timer, or the requeue's answer, wakes it). */
  boolean pausing() {
    return requeuesInFlight > 0 || System.nanoTime() - claimsPausedUntil < 0;
  }

  /** Looks at the queue again after {@code wait} (a single node whose claim failed). */
  void wakeAfter(Duration wait) {
    timers.startSingleTimer(new JobManager.Wake(), wait);
  }
}
