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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

/**
 * Runs the queued jobs, at most {@code maxConcurrent} at once, one Experiment subtree per running
 * job. Loading a job's backbone and data, and writing its summary and plots at the end, happen
 * on Pekko's blocking dispatcher, never in this actor's handlers. A job that cannot start (bad
 * config, unreadable data, missing model) or that fails ends as {@code failed} with its reason;
 * the manager and the other jobs go on. Jobs interrupted by a restart resume from their last
 * checkpoint.
 */
public final class JobManager extends AbstractBehavior<JobManager.Command> {

  public sealed interface Command {}

  /** Look at the queue (after a submission, or when a job ended). */
  public record Wake() implements Command {}

  public record CancelJob(long id) implements Command {}

  /** A job's run is loaded (and its checkpoint read, when it resumes), or could not be. */
  private record Loaded(long id, Path directory, PreparedRun run, Resume resume, Throwable error)
      implements Command {}

  private record EpochEnded(long id, int epoch, double valAcc) implements Command {}

  private record JobEnded(ExperimentActor.Outcome outcome) implements Command {}

  /** Summary and plots are written (or the run failed): the job's final state. */
  private record Finished(long id, RunOutcome outcome) implements Command {}

  private record JobStopped(long id) implements Command {}

  private final JobStore store;
  private final Path runsDirectory;
  private final int maxConcurrent;
  private final Executor blocking;
  private final Set<Long> loading = new HashSet<>();
  private final Map<Long, ActorRef<ExperimentActor.Command>> running = new HashMap<>();
  private final Map<Long, PreparedRun> runs = new HashMap<>();
  private final Map<Path, Long> jobOfRun = new HashMap<>();
  private final Map<Long, Double> bestVal = new HashMap<>();
  private final Set<Long> cancelling = new HashSet<>();
  private final Set<Long> finishing = new HashSet<>();
  private final ActorRef<ExperimentActor.Outcome> outcomes;

  private JobManager(ActorContext<Command> context, JobStore store, Path runsDirectory, int maxConcurrent) {
    super(context);
    this.store = store;
    this.runsDirectory = runsDirectory;
    this.maxConcurrent = maxConcurrent;
    this.blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.outcomes = context.messageAdapter(ExperimentActor.Outcome.class, JobEnded::new);
    int requeued = store.requeueInterrupted();
    if (requeued > 0) {
      context.getLog().info("{} job(s) interrupted by a restart go back to the queue and resume", requeued);
    }
    context.getSelf().tell(new Wake());
  }

  public static Behavior<Command> create(JobStore store, Path runsDirectory, int maxConcurrent) {
    return Behaviors.setup(context -> new JobManager(context, store, runsDirectory, maxConcurrent));
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
        .build();
  }

  private Behavior<Command> startQueued() {
    while (loading.size() + running.size() < maxConcurrent) {
      var next = store.nextQueued();
      if (next.isEmpty()) {
        break;
      }
      load(next.get());
    }
    return this;
  }

  /** Validates the job here (cheap), marks it running, and loads it on the blocking dispatcher. */
  private void load(JobStore.Job job) {
    long id = job.id();
    ExperimentSettings settings;
    try {
      ExperimentSettings parsed = ExperimentSettings.from(ConfigLoader.parse(job.config(), "job " + id, List.of()));
      // jobs at once share the cores: tensorflow-threads = 0 (all cores) becomes cores / max-concurrent
      settings = parsed.tensorflowThreads() == 0 && maxConcurrent > 1 ? parsed.withTensorflowThreads(
          Math.max(1, Runtime.getRuntime().availableProcessors() / maxConcurrent)) : parsed;
    } catch (RuntimeException e) {
      fail(id, e);
      return;
    }
    Path directory = job.runDirectory() != null ? Path.of(job.runDirectory()) : runsDirectory.resolve("job-" + id);
    store.started(id, directory.toString(), settings.train().epochs());
    loading.add(id);
    CompletableFuture<Loaded> loaded = CompletableFuture.supplyAsync(() -> {
      try {
        PreparedRun run = RunService.prepare(settings);
        Resume resume = Files.isRegularFile(directory.resolve(RunDirectory.CONFIG))
            ? RunService.readCheckpoint(directory) : null;
        return new Loaded(id, directory, run, resume, null);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, blocking);
    getContext().pipeToSelf(loaded, (done, error) -> done != null ? done
        : new Loaded(id, directory, null, null, error instanceof java.util.concurrent.CompletionException
            ? error.getCause() : error));
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    long id = loaded.id();
    loading.remove(id);
    if (cancelling.remove(id)) {
      store.finish(id, JobStore.CANCELLED, "cancelled before it started");
      return startQueued();
    }
    if (loaded.error() != null) {
      fail(id, loaded.error());
      return startQueued();
    }
    if (loaded.resume() != null) {
      getContext().getLog().info("job {} resumes after epoch {}", id, loaded.resume().experiment().epoch());
      bestVal.put(id, loaded.resume().experiment().bestVal());
    }
    ActorRef<Command> self = getContext().getSelf();
    var experiment = getContext().spawn(RunService.experiment(loaded.run(), RunDirectory.at(loaded.directory()),
        outcomes, false, line -> self.tell(new EpochEnded(id, line.epoch(), line.valAccuracy())), loaded.resume()),
        "job-" + id);
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
    store.finish(id, JobStore.FAILED, reason);
  }

  private Behavior<Command> onEpoch(EpochEnded epoch) {
    double best = Math.max(bestVal.getOrDefault(epoch.id(), -1.0), epoch.valAcc());
    bestVal.put(epoch.id(), best);
    store.progress(epoch.id(), epoch.epoch(), best);
    return this;
  }

  private Behavior<Command> onEnded(JobEnded ended) {
    Long id = jobOfRun.get(ended.outcome().runDirectory().toAbsolutePath());
    if (id == null) {
      return this;
    }
    finishing.add(id);
    PreparedRun run = runs.get(id);
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> RunService.finish(run, ended.outcome()), blocking),
        (outcome, error) -> new Finished(id, outcome != null ? outcome : new RunOutcome(ended.outcome().runDirectory(),
            false, "cannot finish the run: " + error, Map.of())));
    return this;
  }

  private Behavior<Command> onFinished(Finished finished) {
    long id = finished.id();
    finishing.remove(id);
    if (finished.outcome().succeeded()) {
      store.finish(id, JobStore.DONE, null);
    } else {
      store.finish(id, cancelling.remove(id) ? JobStore.CANCELLED : JobStore.FAILED, finished.outcome().error());
    }
    return forget(id);
  }

  private Behavior<Command> onStopped(JobStopped stopped) {
    long id = stopped.id();
    running.remove(id);
    if (finishing.contains(id)) {
      return this; // its outcome is being written; onFinished frees the slot
    }
    store.get(id).filter(j -> j.state().equals(JobStore.RUNNING))
        .ifPresent(j -> store.finish(j.id(), JobStore.FAILED, "the experiment stopped without an outcome"));
    return forget(id);
  }

  private Behavior<Command> forget(long id) {
    runs.remove(id);
    jobOfRun.values().remove(id);
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
      store.get(cancel.id()).filter(j -> j.state().equals(JobStore.QUEUED))
          .ifPresent(j -> store.finish(j.id(), JobStore.CANCELLED, "cancelled before it started"));
    }
    return this;
  }
}
