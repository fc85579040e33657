package dev.provpt.daemon;

import com.typesafe.config.Config;
import dev.provpt.actors.ExperimentActor;
import dev.provpt.actors.RunLauncher;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.report.Plots;
import dev.provpt.report.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Runs the queued jobs, at most {@code maxConcurrent} at once, one Experiment subtree per running
 * job. A job that cannot start (bad config, unreadable data, missing model) or that fails ends as
 * {@code failed} with its reason; the manager and the other jobs go on. Jobs interrupted by a
 * restart resume from their last checkpoint.
 */
public final class JobManager extends AbstractBehavior<JobManager.Command> {

  public sealed interface Command {}

  /** Look at the queue (after a submission, or when a job ended). */
  public record Wake() implements Command {}

  public record CancelJob(long id) implements Command {}

  private record EpochEnded(long id, int epoch, double valAcc) implements Command {}

  private record JobEnded(ExperimentActor.Outcome outcome) implements Command {}

  private record JobStopped(long id) implements Command {}

  private final JobStore store;
  private final Path runsDirectory;
  private final int maxConcurrent;
  private final Map<Long, ActorRef<ExperimentActor.Command>> running = new HashMap<>();
  private final Map<Path, Long> jobOfRun = new HashMap<>();
  private final Map<Long, Double> bestVal = new HashMap<>();
  private final Set<Long> cancelling = new HashSet<>();
  private final ActorRef<ExperimentActor.Outcome> outcomes;

  private JobManager(ActorContext<Command> context, JobStore store, Path runsDirectory, int maxConcurrent) {
    super(context);
    this.store = store;
    this.runsDirectory = runsDirectory;
    this.maxConcurrent = maxConcurrent;
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
        .onMessage(CancelJob.class, this::onCancel)
        .onMessage(EpochEnded.class, this::onEpoch)
        .onMessage(JobEnded.class, this::onEnded)
        .onMessage(JobStopped.class, this::onStopped)
        .build();
  }

  private Behavior<Command> startQueued() {
    while (running.size() < maxConcurrent) {
      var next = store.nextQueued();
      if (next.isEmpty()) {
        break;
      }
      start(next.get());
    }
    return this;
  }

  private void start(JobStore.Job job) {
    long id = job.id();
    try {
      Config config = ConfigLoader.parse(job.config(), "job " + id, List.of());
      ExperimentSettings settings = ExperimentSettings.from(config);
      RunLauncher.Prepared prepared = RunLauncher.prepare(settings);
      Path dir = job.runDirectory() != null ? Path.of(job.runDirectory()) : runsDirectory.resolve("job-" + id);
      RunLauncher.Resume resume = Files.isRegularFile(dir.resolve(RunDirectory.CONFIG))
          ? RunLauncher.readCheckpoint(dir) : null;
      if (resume != null) {
        getContext().getLog().info("job {} resumes after epoch {}", id, resume.experiment().epoch());
        bestVal.put(id, resume.experiment().bestVal());
      }
      ActorRef<Command> self = getContext().getSelf();
      var experiment = getContext().spawn(RunLauncher.experiment(prepared, RunDirectory.at(dir), outcomes, false,
          line -> self.tell(new EpochEnded(id, (Integer) line.get("epoch"), (Double) line.get("val_acc"))), resume),
          "job-" + id);
      getContext().watchWith(experiment, new JobStopped(id));
      running.put(id, experiment);
      jobOfRun.put(dir.toAbsolutePath(), id);
      store.started(id, dir.toString(), settings.train().epochs());
    } catch (RuntimeException | java.io.IOException e) {
      // a bad job fails alone: its config, data or model is reported, the daemon goes on
      getContext().getLog().warn("job {} cannot start: {}", id, e.getMessage());
      store.finish(id, JobStore.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
    }
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
    var outcome = ended.outcome();
    if (outcome.succeeded()) {
      store.finish(id, JobStore.DONE, null);
      try {
        Plots.write(outcome.runDirectory(), null);
      } catch (java.io.IOException | RuntimeException e) {
        getContext().getLog().warn("job {}: cannot draw plots: {}", id, e.toString());
      }
    } else {
      store.finish(id, cancelling.remove(id) ? JobStore.CANCELLED : JobStore.FAILED, outcome.error());
    }
    return this;
  }

  private Behavior<Command> onStopped(JobStopped stopped) {
    running.remove(stopped.id());
    store.get(stopped.id()).filter(j -> j.state().equals(JobStore.RUNNING))
        .ifPresent(j -> store.finish(j.id(), JobStore.FAILED, "the experiment stopped without an outcome"));
    return startQueued();
  }

  private Behavior<Command> onCancel(CancelJob cancel) {
    var experiment = running.get(cancel.id());
    if (experiment != null) {
      cancelling.add(cancel.id());
      experiment.tell(new ExperimentActor.Cancel("requested by the user"));
    } else {
      store.get(cancel.id()).filter(j -> j.state().equals(JobStore.QUEUED))
          .ifPresent(j -> store.finish(j.id(), JobStore.CANCELLED, "cancelled before it started"));
    }
    return this;
  }
}
