package dev.provpt.daemon;

import dev.provpt.actors.ExperimentActor;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.report.RunDirectory;
import dev.provpt.run.PreparedRun;
import dev.provpt.run.Resume;
import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs the queued jobs, at most {@code maxConcurrent} at once, one Experiment subtree per running
 * job. Loading a job's backbone and data, and writing its summary and plots at the end, happen
 * on Pekko's blocking dispatcher, never in this actor's handlers. A job that cannot start (bad
 * config, unreadable data, missing model) or that fails ends as {@code failed} with its reason;
 * the manager and the other jobs go on. Jobs interrupted by a restart resume from their last
 * checkpoint.
 *
 * <p>Every job runs under a {@link JobStore.Claim}: its progress and its end are written with the
 * claim's fencing token, and its run directory refuses writes once the token is no longer the
 * job's (see {@link #guard}). In cluster mode ({@link Placement#cluster}) the manager pulls queued
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

  /**
   * How this manager takes jobs. {@code lease} null: a single node, whose jobs never expire and
   * which requeues its interrupted jobs at start. {@code dryRun}: a job is claimed and ends done at
   * once, nothing is trained (the scheduling benchmark).
   */
  public record Placement(String owner, Duration lease, Duration renewEvery, Duration pollEvery, boolean sharedRuns,
      boolean dryRun, StoreRetry retry) {
    public static Placement singleNode() {
      return new Placement("local", null, null, null, false, false, StoreRetry.DEFAULTS);
    }

    public static Placement cluster(String owner, Duration lease, Duration renewEvery, Duration pollEvery,
        boolean dryRun) {
      return new Placement(owner, lease, renewEvery, pollEvery, true, dryRun, StoreRetry.DEFAULTS);
    }

    /** The same, riding out an unavailable store as {@code retry} says. */
    Placement withRetry(StoreRetry retry) {
      return new Placement(owner, lease, renewEvery, pollEvery, sharedRuns, dryRun, retry);
    }

    boolean clustered() {
      return lease != null;
    }
  }

  /** A job's run is loaded (and its checkpoint read, when it resumes), or could not be. */
  private record Loaded(long id, Path directory, PreparedRun run, Resume resume,
      Behavior<ExperimentActor.Command> experiment, Throwable error) implements Command {}

  /** A write that met an unavailable store, tried again: a job's end, or its return to the queue. */
  private record RetryWrite(JobStore.Claim claim, String state, String why, Duration waited) implements Command {}

  private record EpochEnded(long id, int epoch, double valAcc) implements Command {}

  private record JobEnded(ExperimentActor.Outcome outcome) implements Command {}

  /** Summary and plots are written (or the run failed, for {@code fault}'s reasons): the job's final state. */
  private record Finished(long id, RunOutcome outcome, Fault fault) implements Command {}

  private record JobStopped(long id) implements Command {}

  private final JobStore store;
  private final Path runsDirectory;
  private final int maxConcurrent;
  private final Placement placement;
  private final Map<Long, JobStore.Claim> claims = new HashMap<>();
  private final Map<Long, LeaseGuard> guards = new HashMap<>();
  private final TimerScheduler<Command> timers;
  /** Infrastructure requeues by this node since a job last ended done here, and until when it claims nothing. */
  private int faultStreak;
  private long claimsPausedUntil = System.nanoTime();
  private final Set<Long> lost = new HashSet<>();
  private final Executor blocking;
  private final Set<Long> loading = new HashSet<>();
  private final Map<Long, ActorRef<ExperimentActor.Command>> running = new HashMap<>();
  private final Map<Long, PreparedRun> runs = new HashMap<>();
  private final Map<Path, Long> jobOfRun = new HashMap<>();
  private final Map<Long, Double> bestVal = new HashMap<>();
  private final Set<Long> cancelling = new HashSet<>();
  private final Set<Long> finishing = new HashSet<>();
  private final ActorRef<ExperimentActor.Outcome> outcomes;

  private JobManager(ActorContext<Command> context, TimerScheduler<Command> timers, JobStore store,
      Path runsDirectory, int maxConcurrent, Placement placement) {
    super(context);
    this.store = store;
    this.runsDirectory = runsDirectory;
    this.maxConcurrent = maxConcurrent;
    this.placement = placement;
    this.timers = timers;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.outcomes = context.messageAdapter(ExperimentActor.Outcome.class, JobEnded::new);
    if (placement.clustered()) {
      timers.startTimerWithFixedDelay(new Tick(), placement.pollEvery());
      timers.startTimerWithFixedDelay(new Renew(), placement.renewEvery());
    } else {
      int requeued = store.requeueInterrupted();
      if (requeued > 0) {
        context.getLog().info("{} job(s) interrupted by a restart go back to the queue and resume", requeued);
      }
    }
    context.getSelf().tell(new Wake());
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
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(CancelJob.class, this::onCancel)
        .onMessage(EpochEnded.class, this::onEpoch)
        .onMessage(JobEnded.class, this::onEnded)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(JobStopped.class, this::onStopped)
        .onMessage(Tick.class, tick -> onTick())
        .onMessage(Renew.class, renew -> onRenew())
        .onMessage(NodeRemoved.class, this::onNodeRemoved)
        .onMessage(RetryWrite.class, this::onRetryWrite)
        .build();
  }

  private Behavior<Command> startQueued() {
    if (System.nanoTime() - claimsPausedUntil < 0) {
      return this; // backing off after an infrastructure fault: a timer wakes this node
    }
    while (loading.size() + running.size() + finishing.size() < maxConcurrent) {
      Optional<JobStore.Claim> next;
      try {
        next = store.claim(placement.owner(), placement.lease());
      } catch (RuntimeException e) {
        getContext().getLog().warn("cannot claim a job: {}", e.getMessage());
        if (!placement.clustered()) {
          // a cluster node looks again at its next poll; a single node has none: it looks again after a while
          timers.startSingleTimer(new Wake(), placement.retry().max());
        }
        break;
      }
      if (next.isEmpty()) {
        break;
      }
      if (placement.dryRun()) {
        finish(next.get(), JobStore.DONE, null);
        continue;
      }
      load(next.get());
    }
    return this;
  }

  /** Cluster mode: expired leases back to the queue, then claim what this node has room for. */
  private Behavior<Command> onTick() {
    try {
      int expired = store.requeueExpired(placement.retry().maxRequeues());
      if (expired > 0) {
        getContext().getLog().info("{} job(s) whose lease expired go back to the queue", expired);
      }
    } catch (RuntimeException e) {
      getContext().getLog().warn("cannot check the leases: {}", e.getMessage());
    }
    return startQueued();
  }

  /** Cluster mode: extend this node's leases; a job taken over is stopped, a cancellation asked elsewhere applied. */
  private Behavior<Command> onRenew() {
    if (claims.isEmpty()) {
      return this;
    }
    Map<Long, JobStore.Renewal> renewed;
    long askedAt = System.nanoTime();
    try {
      renewed = store.renew(List.copyOf(claims.values()), placement.lease());
    } catch (RuntimeException e) {
      getContext().getLog().warn("cannot renew the leases of jobs {}: {}", claims.keySet(), e.getMessage());
      return this;
    }
    renewed.forEach((id, renewal) -> {
      if (renewal != JobStore.Renewal.LOST && guards.containsKey(id)) {
        guards.get(id).renewed(askedAt);
      }
      if (renewal == JobStore.Renewal.LOST) {
        lose(id);
      } else if (renewal == JobStore.Renewal.CANCEL_REQUESTED && !cancelling.contains(id)) {
        onCancel(new CancelJob(id));
      }
    });
    return this;
  }

  /** The job's lease was taken over: stop it here; its later writes are refused by the token. */
  private void lose(long id) {
    JobStore.Claim claim = claims.get(id);
    if (claim == null || !lost.add(id)) {
      return;
    }
    getContext().getLog().warn("job {} lost its lease (fence {} < {}): stopping it on this node", id, claim.fence(),
        currentFence(id));
    var experiment = running.get(id);
    if (experiment != null) {
      experiment.tell(new ExperimentActor.Cancel("its lease was taken over"));
    }
  }

  private Behavior<Command> onNodeRemoved(NodeRemoved removed) {
    try {
      int requeued = store.requeueOwnedBy(removed.owner(), placement.retry().maxRequeues());
      getContext().getLog().info("node {} left the cluster: {} of its job(s) go back to the queue", removed.owner(),
          requeued);
    } catch (RuntimeException e) {
      getContext().getLog().warn("cannot requeue the jobs of {}: {}", removed.owner(), e.getMessage());
    }
    return startQueued();
  }

  private String currentFence(long id) {
    try {
      return String.valueOf(store.fence(id));
    } catch (RuntimeException e) {
      return "?";
    }
  }

  /**
   * The guard of every write to the job's run directory: the claim's token must still be the
   * job's; while the store is unavailable the write waits as long as the lease lasts (see
   * {@link LeaseGuard}).
   */
  private LeaseGuard guard(JobStore.Claim claim) {
    return guards.computeIfAbsent(claim.id(), id -> new LeaseGuard(store, claim, placement.lease(),
        placement.retry()));
  }

  /** Validates the job here (cheap), records it as started, and loads it on the blocking dispatcher. */
  private void load(JobStore.Claim claim) {
    JobStore.Job job = claim.job();
    long id = job.id();
    claims.put(id, claim);
    ExperimentSettings settings;
    try {
      ExperimentSettings parsed = ExperimentSettings.from(ConfigLoader.parse(job.config(), "job " + id, List.of()));
      // jobs at once share the cores: tensorflow-threads = 0 (all cores) becomes cores / max-concurrent
      settings = parsed.tensorflowThreads() == 0 && maxConcurrent > 1 ? parsed.withTensorflowThreads(
          Math.max(1, Runtime.getRuntime().availableProcessors() / maxConcurrent)) : parsed;
    } catch (RuntimeException e) {
      fail(id, e);
      claims.remove(id);
      return;
    }
    Path directory = !placement.sharedRuns() && job.runDirectory() != null ? Path.of(job.runDirectory())
        : runsDirectory.resolve("job-" + id);
    try {
      if (!store.started(claim, directory.toString(), settings.train().epochs())) {
        claims.remove(id);
        return;
      }
    } catch (StoreUnavailableException e) {
      requeue(claim, "cannot record its start: " + e.getMessage());
      claims.remove(id);
      return;
    } catch (RuntimeException e) {
      getContext().getLog().warn("job store error (started): {}", e.getMessage());
      claims.remove(id);
      return;
    }
    loading.add(id);
    ActorRef<Command> self = getContext().getSelf();
    RunDirectory guarded = RunDirectory.at(directory).guardedBy(guard(claim));
    CompletableFuture<Loaded> loaded = CompletableFuture.supplyAsync(() -> {
      try {
        PreparedRun run = RunService.prepare(settings);
        Resume resume = Files.isRegularFile(directory.resolve(RunDirectory.CONFIG))
            ? RunService.readCheckpoint(directory) : null;
        // a fresh run writes its config.conf here, through the guard (which may wait for the store): a job
        // taken over meanwhile stops now
        var experiment = RunService.experiment(run, guarded, outcomes, false,
            line -> self.tell(new EpochEnded(id, line.epoch(), line.valAccuracy())), resume);
        return new Loaded(id, directory, run, resume, experiment, null);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, blocking);
    getContext().pipeToSelf(loaded, (done, error) -> done != null ? done
        : new Loaded(id, directory, null, null, null, error instanceof java.util.concurrent.CompletionException
            ? error.getCause() : error));
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    long id = loaded.id();
    loading.remove(id);
    JobStore.Claim claim = claims.get(id);
    if (cancelling.remove(id)) {
      finish(claim, JobStore.CANCELLED, "cancelled before it started");
      return forget(id);
    }
    if (lost.contains(id)) {
      return forget(id);
    }
    if (loaded.error() != null) {
      switch (Fault.ofStart(loaded.error())) {
        case INFRASTRUCTURE -> requeue(claim, "cannot start: " + loaded.error().getMessage());
        case TAKEN_OVER -> getContext().getLog().info("job {} was taken over before it started here", id);
        case JOB -> fail(id, loaded.error());
      }
      return forget(id);
    }
    if (loaded.resume() != null) {
      getContext().getLog().info("job {} resumes after epoch {} (fence {})", id, loaded.resume().experiment().epoch(),
          claim.fence());
      bestVal.put(id, loaded.resume().experiment().bestVal());
    } else {
      getContext().getLog().info("job {} starts (fence {})", id, claim.fence());
    }
    ActorRef<ExperimentActor.Command> experiment;
    try {
      // on the blocking dispatcher: its writes may wait there for an unavailable store (LeaseGuard)
      experiment = getContext().spawn(loaded.experiment(), "job-" + id, DispatcherSelector.blocking());
    } catch (RuntimeException e) {
      getContext().getLog().warn("job {} cannot start: {}", id, e.getMessage());
      finish(claim, JobStore.FAILED, e.getMessage());
      return forget(id);
    }
    getContext().watchWith(experiment, new JobStopped(id));
    running.put(id, experiment);
    runs.put(id, loaded.run());
    jobOfRun.put(loaded.directory().toAbsolutePath(), id);
    return this;
  }

  /** A bad job fails alone: its config, data or model is reported, the daemon goes on. */
  private void fail(long id, Throwable error) {
    String reason = error.getMessage() == null ? error.toString() : error.getMessage();
    getContext().getLog().warn("job {} cannot start: {}", id, reason);
    finish(claims.get(id), JobStore.FAILED, reason);
  }

  /** Ends the claimed job in {@code state}; a store that is unavailable is asked again, with back-off. */
  private void finish(JobStore.Claim claim, String state, String error) {
    write(new RetryWrite(claim, state, error, Duration.ZERO));
  }

  /**
   * The job's run stopped for an infrastructure fault: it goes back to the queue (or ends failed,
   * once requeued too often); a store that is unavailable is asked again, with back-off.
   */
  private void requeue(JobStore.Claim claim, String why) {
    write(new RetryWrite(claim, null, why, Duration.ZERO));
  }

  private Behavior<Command> onRetryWrite(RetryWrite retry) {
    write(retry);
    return this;
  }

  /**
   * A job's end ({@code state}) or its requeue ({@code state} null). While the store is
   * unavailable it is tried again later: on a cluster the claim goes stale once the lease runs out
   * (the job is requeued by whichever node sees it expire), so the retries end there too.
   */
  private void write(RetryWrite w) {
    long id = w.claim().id();
    try {
      if (w.state() != null) {
        if (store.finish(w.claim(), w.state(), w.why()) && w.state().equals(JobStore.DONE)) {
          getContext().getLog().info("job {} done (fence {})", id, w.claim().fence());
          faultStreak = 0;
        }
        return;
      }
      switch (store.requeueFaulted(w.claim(), w.why(), placement.retry().maxRequeues())) {
        case QUEUED -> {
          getContext().getLog().warn("job {} goes back to the queue (infrastructure fault, not the job's): {}", id,
              w.why());
          backOff();
        }
        case FAILED -> getContext().getLog().warn("job {} requeued too often for infrastructure faults: failed", id);
        case STALE -> getContext().getLog().info("job {} was taken over before it could be requeued", id);
      }
    } catch (StoreUnavailableException e) {
      Duration wait = placement.retry().next(w.waited());
      getContext().getLog().warn("job store unavailable ({} job {}), trying again in {} ms: {}",
          w.state() == null ? "requeue" : "finish", id, wait.toMillis(), e.getMessage());
      timers.startSingleTimer(new RetryWrite(w.claim(), w.state(), w.why(), wait), wait);
    } catch (RuntimeException e) {
      getContext().getLog().warn("job store error ({} job {}): {}", w.state() == null ? "requeue" : "finish", id,
          e.getMessage());
    }
  }

  /**
   * After requeueing a job for an infrastructure fault this node claims nothing for a while,
   * longer after each (store-retry.max times the faults in a row): a fault that lasts a few seconds
   * (a full disk) does not use up a job's requeues at once; another node may take the job sooner.
   */
  private void backOff() {
    faultStreak++;
    Duration pause = placement.retry().max().multipliedBy(faultStreak);
    claimsPausedUntil = System.nanoTime() + pause.toNanos();
    timers.startSingleTimer("claims-paused", new Wake(), pause);
  }

  /** A store call that may fail (the cancellation of a job this node does not hold): logged, and false. */
  private boolean safely(String what, java.util.function.BooleanSupplier write) {
    try {
      return write.getAsBoolean();
    } catch (RuntimeException e) {
      getContext().getLog().warn("job store unavailable ({}): {}", what, e.getMessage());
      return false;
    }
  }

  private Behavior<Command> onEpoch(EpochEnded epoch) {
    double best = Math.max(bestVal.getOrDefault(epoch.id(), -1.0), epoch.valAcc());
    bestVal.put(epoch.id(), best);
    JobStore.Claim claim = claims.get(epoch.id());
    if (claim != null) {
      try {
        if (!store.progress(claim, epoch.epoch(), best)) {
          lose(epoch.id());
        }
      } catch (RuntimeException e) {
        getContext().getLog().warn("job store unavailable (progress): {}", e.getMessage());
      }
    }
    return this;
  }

  private Behavior<Command> onEnded(JobEnded ended) {
    Long id = jobOfRun.get(ended.outcome().runDirectory().toAbsolutePath());
    if (id == null) {
      return this;
    }
    finishing.add(id);
    PreparedRun run = runs.get(id);
    RunDirectory.WriteGuard guard = guard(claims.get(id));
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> RunService.finish(run, ended.outcome(), guard),
        blocking),
        (outcome, error) -> outcome != null ? new Finished(id, outcome, Fault.ofRun(outcome.cause()))
            : new Finished(id, new RunOutcome(ended.outcome().runDirectory(), false, "cannot finish the run: " + error,
                Map.of(), error), Fault.ofRun(error)));
    return this;
  }

  private Behavior<Command> onFinished(Finished finished) {
    long id = finished.id();
    finishing.remove(id);
    JobStore.Claim claim = claims.get(id);
    if (finished.outcome().succeeded()) {
      finish(claim, JobStore.DONE, null);
    } else if (cancelling.remove(id)) {
      finish(claim, JobStore.CANCELLED, finished.outcome().error());
    } else if (lost.contains(id) || finished.fault() == Fault.TAKEN_OVER) {
      // taken over: its successor ends it; a write under this claim would only be refused
      getContext().getLog().info("job {} stopped on this node: {}", id, finished.outcome().error());
    } else if (finished.fault() == Fault.INFRASTRUCTURE) {
      requeue(claim, finished.outcome().error());
    } else {
      finish(claim, JobStore.FAILED, finished.outcome().error());
    }
    return forget(id);
  }

  private Behavior<Command> onStopped(JobStopped stopped) {
    long id = stopped.id();
    running.remove(id);
    if (finishing.contains(id)) {
      return this; // its outcome is being written; onFinished frees the slot
    }
    JobStore.Claim claim = claims.get(id);
    if (claim != null && !lost.contains(id)) {
      finish(claim, JobStore.FAILED, "the experiment stopped without an outcome");
    }
    return forget(id);
  }

  private Behavior<Command> forget(long id) {
    runs.remove(id);
    jobOfRun.values().remove(id);
    claims.remove(id);
    guards.remove(id);
    lost.remove(id);
    cancelling.remove(id);
    return startQueued();
  }

  private Behavior<Command> onCancel(CancelJob cancel) {
    var experiment = running.get(cancel.id());
    if (experiment != null) {
      cancelling.add(cancel.id());
      experiment.tell(new ExperimentActor.Cancel("requested by the user"));
    } else if (loading.contains(cancel.id())) {
      cancelling.add(cancel.id()); // cancelled when its loading ends
    } else {
      // queued: cancelled now; running on another node: its owner cancels it at its next renewal
      safely("cancel", () -> store.requestCancel(cancel.id()));
    }
    return this;
  }
}
