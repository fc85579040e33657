package dev.provpt.daemon;

import dev.provpt.run.RunSupervisor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;

/**
 * The job manager's leases (cluster mode): renewing this node's, returning expired ones and those
 * of nodes that left to the queue, and stopping a job whose lease was taken over. Store calls run
 * on the blocking dispatcher (through {@link JobManager#offload}); their answers are handled here,
 * on the manager.
 */
final class JobLeases {
  private final JobManager manager;
  private final JobStore store;
  private final Placement placement;
  private final Map<Long, HeldJob> jobs;
  private final Logger log;
  private boolean renewing;

  JobLeases(JobManager manager, JobStore store, Placement placement, Map<Long, HeldJob> jobs, Logger log) {
    this.manager = manager;
    this.store = store;
    this.placement = placement;
    this.jobs = jobs;
    this.log = log;
  }

  private boolean sweepFailing;

  /** Expired leases back to the queue. */
  Behavior<JobManager.Command> sweepExpired() {
    manager.offload(() -> store.requeueExpired(placement.retry().maxRequeues()), (expired, error) ->
        logSweep(expired, "the jobs whose lease expired", "job(s) whose lease expired go back to the queue", error));
    return manager.startQueued();
  }

  /** The running jobs of {@code owner}, a node that left the cluster, back to the queue. */
  Behavior<JobManager.Command> sweepOwnedBy(String owner) {
    manager.offload(() -> store.requeueOwnedBy(owner, placement.retry().maxRequeues()), (requeued, error) -> {
      if (error != null) {
        log.warn("cannot requeue the jobs of {}: {}", owner, error.getMessage());
      } else {
        log.info("node {} left the cluster: {} of its job(s) go back to the queue", owner, requeued);
      }
      return manager.startQueued();
    });
    return manager;
  }

  /** A single node at start: the jobs a restart interrupted back to the queue; then claims begin. */
  void sweepInterrupted(Runnable then) {
    manager.offload(store::requeueInterrupted, (requeued, error) -> {
      then.run();
      return logSweep(requeued, "the jobs a restart interrupted",
          "job(s) interrupted by a restart go back to the queue and resume", error);
    });
  }

  /** One WARN when sweeps start failing (they run every poll), one INFO when they work again. */
  private Behavior<JobManager.Command> logSweep(Integer count, String jobs, String done, Throwable error) {
    if (error != null) {
      if (!sweepFailing) {
        log.warn("cannot requeue {} while the store does not answer ({}); retried every poll, said again "
            + "once it answers", jobs, error.getMessage());
      }
      sweepFailing = true;
    } else {
      if (sweepFailing) {
        log.info("the store answers again: sweeps for expired leases resume");
      }
      sweepFailing = false;
      if (count > 0) {
        log.info("{} {}", count, done);
      }
    }
    return manager.startQueued();
  }

  /** Extends this node's leases; a job taken over is stopped, a cancellation asked elsewhere applied. */
  Behavior<JobManager.Command> renew() {
    if (jobs.isEmpty() || renewing) {
      return manager;
    }
    renewing = true;
    Map<Long, JobStore.Claim> asked = new HashMap<>();
    jobs.values().forEach(job -> asked.put(job.id(), job.claim()));
    long askedAt = System.nanoTime();
    manager.offload(() -> store.renew(List.copyOf(asked.values()), placement.lease()), (renewed, error) -> {
      renewing = false;
      if (error != null) {
        log.warn("cannot renew the leases of jobs {}: {}", asked.keySet(), error.getMessage());
        return manager;
      }
      renewed.forEach((id, renewal) -> {
        HeldJob job = jobs.get(id);
        if (job == null || !job.claim().equals(asked.get(id))) {
          return; // ended (or claimed again) meanwhile
        }
        if (renewal == JobStore.Renewal.LOST) {
          lose(job);
        } else {
          job.guard().renewed(askedAt);
          if (renewal == JobStore.Renewal.CANCEL_REQUESTED && !job.cancelling()) {
            manager.cancel(id);
          }
        }
      });
      return manager;
    });
    return manager;
  }

  /** Records the job's progress after {@code epoch} (fenced): a write refused means its lease was taken over. */
  void progress(HeldJob job, int epoch, double valAcc) {
    double best = Math.max(job.bestVal(), valAcc);
    jobs.put(job.id(), job.withBestVal(best));
    manager.offload(() -> store.progress(job.claim(), epoch, best), (written, error) -> {
      HeldJob now = jobs.get(job.id());
      if (error != null) {
        log.warn("job store unavailable (progress): {}", error.getMessage());
      } else if (!written && now != null && now.claim().equals(job.claim())) {
        lose(now);
      }
      return manager;
    });
  }

  /** The job's lease was taken over: stop it here; its later writes are refused by the token. */
  void lose(HeldJob job) {
    if (job.lost()) {
      return;
    }
    log.warn("job {} lost its lease (fence {} is no longer its token): stopping it on this node", job.id(),
        job.claim().fence());
    jobs.put(job.id(), job.lose());
    if (job.run() != null) {
      job.run().tell(new RunSupervisor.Cancel("its lease was taken over"));
    }
  }
}
