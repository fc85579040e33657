package dev.provpt.daemon;

import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunSupervisor;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The job manager's starts of a claimed job: its text parsed (once), its start recorded, its run
 * loaded ({@link JobLaunch}, on the blocking dispatcher), then handed to a {@link RunSupervisor}.
 * A start that fails ends the job as its fault says ({@link Fault#ofStart}).
 */
final class JobStarts {
  private final JobManager manager;
  private final ActorContext<JobManager.Command> context;
  private final JobStore store;
  private final Placement placement;
  private final Path runsDirectory;
  private final int maxConcurrent;
  private final JobEnds ends;
  private final Map<Long, HeldJob> jobs;
  private final ActorRef<RunOutcome> outcomes;

  JobStarts(JobManager manager, ActorContext<JobManager.Command> context, JobStore store, Placement placement,
      Path runsDirectory, int maxConcurrent, JobEnds ends, Map<Long, HeldJob> jobs) {
    this.manager = manager;
    this.context = context;
    this.store = store;
    this.placement = placement;
    this.runsDirectory = runsDirectory;
    this.maxConcurrent = maxConcurrent;
    this.ends = ends;
    this.jobs = jobs;
    this.outcomes = context.messageAdapter(RunOutcome.class, JobManager.RunEnded::new);
  }

  /**
   * Parses the job's text (once), records it as started, then loads it: all but the parse off this actor. An ASHA
   * grid job ({@link AshaJob}) first reads from the store the rung it trains to, and trains to that rung's epoch.
   */
  void start(JobStore.Claim claim) {
    JobStore.Job job = claim.job();
    Optional<AshaJob> asha = AshaJob.of(job);
    if (asha.isEmpty()) {
      start(claim, null, null);
      return;
    }
    jobs.put(job.id(), HeldJob.claimed(claim, new LeaseGuard(store, claim, placement.lease(), placement.retry())));
    manager.offload(() -> store.ashaRung(job.id()), (rung, error) -> {
      if (error instanceof StoreUnavailableException) {
        ends.requeue(claim, "cannot read its ASHA rung: " + error.getMessage());
        return manager.forget(job.id());
      } else if (error != null) {
        ends.fail(claim, error);
        return manager.forget(job.id());
      }
      start(claim, asha.get(), rung);
      return manager;
    });
  }

  private void start(JobStore.Claim claim, AshaJob asha, Integer rung) {
    JobStore.Job job = claim.job();
    ExperimentSettings settings;
    try {
      settings = JobLaunch.settings(job, maxConcurrent, asha == null ? null : asha.epochOf(rung));
    } catch (RuntimeException e) {
      jobs.remove(job.id());
      ends.fail(claim, e);
      return;
    }
    Path directory = !placement.sharedRuns() && job.runDirectory() != null ? Path.of(job.runDirectory())
        : runsDirectory.resolve("job-" + job.id());
    if (!jobs.containsKey(job.id())) {
      jobs.put(job.id(), HeldJob.claimed(claim, new LeaseGuard(store, claim, placement.lease(), placement.retry())));
    }
    manager.offload(() -> store.started(claim, directory.toString(), settings.train().epochs()), (started, error) -> {
      if (error instanceof StoreUnavailableException) {
        ends.requeue(claim, "cannot record its start: " + error.getMessage());
      } else if (error != null) {
        context.getLog().warn("job store error (started): {}", error.getMessage());
      }
      if (error != null || !started) {
        return manager.forget(job.id());
      }
      HeldJob loading = jobs.get(job.id()).loading(directory);
      jobs.put(job.id(), loading);
      RunDirectory guarded = RunDirectory.at(directory).guardedBy(loading.guard());
      manager.offload(() -> JobLaunch.load(settings, guarded, asha != null),
          (launch, failed) -> onLoaded(job.id(), guarded, launch, failed));
      return manager;
    });
  }

  private Behavior<JobManager.Command> onLoaded(long id, RunDirectory directory, JobLaunch launch, Throwable error) {
    HeldJob job = jobs.get(id);
    if (job.cancelling()) {
      ends.finish(job.claim(), JobStore.CANCELLED, "cancelled before it started");
      return manager.forget(id);
    }
    if (job.lost()) {
      return manager.forget(id);
    }
    if (error != null) {
      switch (Fault.ofStart(error)) {
        case INFRASTRUCTURE -> ends.requeue(job.claim(), "cannot start: " + error.getMessage());
        case TAKEN_OVER -> context.getLog().info("job {} was taken over before it started here", id);
        case JOB -> ends.fail(job.claim(), error);
      }
      return manager.forget(id);
    }
    context.getLog().info("job {} {} (fence {})", id, launch.resume() == null ? "starts"
        : "resumes after epoch " + launch.resume().epoch(), job.claim().fence());
    ActorRef<JobManager.Command> self = context.getSelf();
    // the Experiment on the blocking dispatcher: its setup opens metrics.jsonl, which may wait for the store
    var run = context.spawn(RunSupervisor.create(new RunSupervisor.Launch(launch.run(), directory,
        launch.resume(), false, line -> self.tell(new JobManager.EpochEnded(id, line.epoch(), line.valAccuracy())),
        DispatcherSelector.blocking()), outcomes), "job-" + id + "-" + job.claim().fence());
    context.watchWith(run, new JobManager.RunStopped(id, job.claim().fence()));
    jobs.put(id, job.running(run, launch.resume() == null ? -1 : launch.resume().experiment().bestVal()));
    return manager;
  }
}
