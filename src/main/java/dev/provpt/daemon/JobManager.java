package dev.provpt.daemon;

import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunSupervisor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs the queued jobs, at most {@code maxConcurrent} at once: claims a job, records its start,
 * loads it, hands it to a {@link RunSupervisor} and ends it by the one {@link RunOutcome} it gets
 * back. A job is one {@link HeldJob} in one map. Every store call and every load runs on Pekko's
 * blocking dispatcher and comes back as a message ({@link #offload}); no handler here blocks.
 * A job that cannot start (bad config, unreadable data, missing model) or that fails for its own
 * reasons ends {@code failed}; one stopped by an infrastructure fault goes back to the queue
 * ({@link JobEnds}); jobs interrupted by a restart resume from their last checkpoint.
 *
 * <p>Every job runs under a {@link JobStore.Claim}: its progress and its end are written with the
 * claim's fencing token, and its run directory refuses writes once the token is no longer the
 * job's ({@link LeaseGuard}). In cluster mode ({@link Placement#cluster}) the manager pulls queued
 * jobs from the shared store on a timer, renews its leases, stops a job whose lease was taken
 * over, and returns the jobs of nodes that left the cluster to the queue.
 */
public final class JobManager extends AbstractBehavior<JobManager.Command> {

  public sealed interface Command {}

  /** Look at the queue (after a submission, or when a job ended). */
  public record Wake() implements Command {}

  public record CancelJob(long id) implements Command {}

  /** A node left the cluster: its running jobs go back to the queue now, not when their leases run out. */
  public record NodeRemoved(String owner) implements Command {}

  private record Tick() implements Command {}

  private record Renew() implements Command {}

  /** A store call's result ({@code value}, or the {@code error} it failed with), handled by {@code then}. */
  record Answer<T>(T value, Throwable error, Handler<T> then) implements Command {}

  @FunctionalInterface
  interface Handler<T> {
    Behavior<Command> handle(T value, Throwable error);
  }

  /** A job's end (or requeue) that met an unavailable store, written again. */
  record RetryEnd(JobEnds.End end) implements Command {}

  record EpochEnded(long id, int epoch, double valAcc) implements Command {}

  record RunEnded(RunOutcome outcome) implements Command {}

  record RunStopped(long id, long fence) implements Command {}

  private final JobStore store;
  private final int maxConcurrent;
  private final Placement placement;
  private final Executor blocking;
  private final Map<Long, HeldJob> jobs = new HashMap<>();
  private final JobEnds ends;
  private final JobLeases leases;
  private final JobStarts starts;
  /** A claim is in flight (one at a time); the interrupted jobs of a single node are requeued (before any claim). */
  private boolean claiming;
  private boolean ready;

  private JobManager(ActorContext<Command> context, TimerScheduler<Command> timers, JobStore store,
      Path runsDirectory, int maxConcurrent, Placement placement) {
    super(context);
    this.store = store;
    this.maxConcurrent = maxConcurrent;
    this.placement = placement;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.ends = new JobEnds(this, timers, store, placement.retry(), jobs, context.getLog());
    this.leases = new JobLeases(this, store, placement, jobs, context.getLog());
    this.starts = new JobStarts(this, context, store, placement, runsDirectory, maxConcurrent, ends, jobs);
    if (placement.clustered()) {
      ready = true;
      timers.startTimerWithFixedDelay(new Tick(), placement.pollEvery());
      timers.startTimerWithFixedDelay(new Renew(), placement.renewEvery());
      context.getSelf().tell(new Wake());
    } else {
      leases.sweepInterrupted(() -> ready = true);
    }
  }

  public static Behavior<Command> create(JobStore store, Path runsDirectory, int maxConcurrent) {
    return create(store, runsDirectory, maxConcurrent, Placement.singleNode());
  }

  public static Behavior<Command> create(JobStore store, Path runsDirectory, int maxConcurrent, Placement placement) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new JobManager(context, timers, store, runsDirectory, maxConcurrent, placement)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Wake.class, wake -> startQueued())
        .onMessage(Answer.class, this::onAnswer)
        .onMessage(CancelJob.class, cancel -> cancel(cancel.id()))
        .onMessage(EpochEnded.class, this::onEpoch)
        .onMessage(RunEnded.class, ended -> ends.ofRun(ended.outcome()))
        .onMessage(RunStopped.class, stopped -> ends.stopped(stopped.id(), stopped.fence()))
        .onMessage(Tick.class, tick -> leases.sweepExpired())
        .onMessage(Renew.class, renew -> leases.renew())
        .onMessage(NodeRemoved.class, removed -> leases.sweepOwnedBy(removed.owner()))
        .onMessage(RetryEnd.class, retry -> ends.write(retry.end()))
        .build();
  }

  /**
   * Runs {@code call} (a store call, a load) on the blocking dispatcher; its value or its error
   * comes back to {@code then}, on this actor.
   */
  <T> void offload(Supplier<T> call, Handler<T> then) {
    // handle(): a call that answers null still answers (pipeToSelf drops a null result)
    getContext().pipeToSelf(CompletableFuture.supplyAsync(call, blocking).handle((value, error) -> new Answer<>(value,
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error, then)),
        (answer, never) -> answer);
  }

  @SuppressWarnings("unchecked")
  private Behavior<Command> onAnswer(Answer<?> answer) {
    return ((Answer<Object>) answer).then().handle(answer.value(), answer.error());
  }

  Behavior<Command> startQueued() {
    if (!ready || claiming || ends.pausing() || jobs.size() >= maxConcurrent) {
      return this; // after an infrastructure fault a timer wakes this node
    }
    claiming = true;
    offload(() -> store.claim(placement.owner(), placement.lease()), this::onClaimed);
    return this;
  }

  private Behavior<Command> onClaimed(Optional<JobStore.Claim> next, Throwable error) {
    claiming = false;
    if (error != null) {
      getContext().getLog().warn("cannot claim a job: {}", error.getMessage());
      if (!placement.clustered()) {
        // a cluster node looks again at its next poll; a single node has none: it looks again after a while
        ends.wakeAfter(placement.retry().max());
      }
      return this;
    }
    if (next.isEmpty()) {
      return this;
    }
    if (placement.dryRun()) {
      ends.finish(next.get(), JobStore.DONE, null);
    } else {
      starts.start(next.get());
    }
    return startQueued();
  }

  private Behavior<Command> onEpoch(EpochEnded epoch) {
    HeldJob job = jobs.get(epoch.id());
    if (job != null) {
      leases.progress(job, epoch.epoch(), epoch.valAcc());
    }
    return this;
  }

  Behavior<Command> forget(long id) {
    jobs.remove(id);
    return startQueued();
  }

  /** Cancels job {@code id}: its run if it runs here, at its start's end if it starts, else through the store. */
  Behavior<Command> cancel(long id) {
    HeldJob job = jobs.get(id);
    if (job == null) {
      // queued or stopped by ASHA: cancelled now; running on another node: its owner cancels it at its next renewal
      offload(() -> store.requestCancel(id), (asked, error) -> {
        if (error != null) {
          getContext().getLog().warn("job store unavailable (cancel): {}", error.getMessage());
        }
        return this;
      });
      return this;
    }
    jobs.put(job.id(), job.cancel());
    if (job.run() != null) {
      job.run().tell(new RunSupervisor.Cancel("requested by the user"));
    } // starting or loading: cancelled when its loading ends
    return this;
  }
}
