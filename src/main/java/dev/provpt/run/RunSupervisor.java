package dev.provpt.run;

import dev.provpt.actors.ExperimentActor;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The supervisor of one run, the same for {@code provpt run} and for a daemon's job: spawns the
 * run's Experiment, waits for its one {@link ExperimentActor.Outcome} (an Experiment that fails or
 * stops without one still ends the run, with that reason), writes the summary and the plots on
 * Pekko's blocking dispatcher ({@link RunService#finish}), tells {@code resultTo} one
 * {@link RunOutcome}, and stops. Two phases, one behaviour each: running, finishing.
 */
public final class RunSupervisor {

  public sealed interface Command {}

  /** Stops the run; its outcome says {@code cancelled: reason}. */
  public record Cancel(String reason) implements Command {}

  private record Ended(ExperimentActor.Outcome outcome) implements Command {}

  private record Finished(RunOutcome outcome) implements Command {}

  /**
   * What to run: a prepared run in {@code directory} (its config.conf already written), from
   * {@code resume} when not null; {@code dispatcher} runs the Experiment.
   */
  public record Launch(PreparedRun run, RunDirectory directory, Resume resume, boolean showProgress,
      Consumer<EpochRecord> onEpoch, DispatcherSelector dispatcher) {}

  private RunSupervisor() {}

  public static Behavior<Command> create(Launch launch, ActorRef<RunOutcome> resultTo) {
    return Behaviors.setup(context -> {
      ActorRef<ExperimentActor.Outcome> outcomes = context.messageAdapter(ExperimentActor.Outcome.class, Ended::new);
      ActorRef<ExperimentActor.Command> experiment = context.spawn(RunService.experiment(launch.run(),
          launch.directory(), outcomes, launch.showProgress(), launch.onEpoch(), launch.resume()), "experiment",
          launch.dispatcher());
      context.watch(experiment);
      return running(context, launch, experiment, resultTo);
    });
  }

  private static Behavior<Command> running(ActorContext<Command> context, Launch launch,
      ActorRef<ExperimentActor.Command> experiment, ActorRef<RunOutcome> resultTo) {
    return Behaviors.receive(Command.class)
        .onMessage(Cancel.class, cancel -> {
          experiment.tell(new ExperimentActor.Cancel(cancel.reason()));
          return Behaviors.same();
        })
        .onMessage(Ended.class, ended -> finishing(context, launch, ended.outcome(), resultTo))
        .onSignal(ChildFailed.class, failed -> finishing(context, launch, new ExperimentActor.Outcome(
            launch.directory().root(), false, "experiment failed: " + failed.getCause(), null, failed.getCause()),
            resultTo))
        .onSignal(Terminated.class, stopped -> finishing(context, launch, new ExperimentActor.Outcome(
            launch.directory().root(), false, "experiment stopped without an outcome", null, null), resultTo))
        .build();
  }

  /** The Experiment has ended: summary and plots off this actor's thread, then the one outcome. */
  private static Behavior<Command> finishing(ActorContext<Command> context, Launch launch,
      ExperimentActor.Outcome ended, ActorRef<RunOutcome> resultTo) {
    var blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    context.pipeToSelf(CompletableFuture.supplyAsync(() -> RunService.finish(launch.run(), ended, launch.directory()),
        blocking).handle((outcome, error) -> new Finished(error == null ? outcome : failedToFinish(ended, error))),
        (finished, never) -> finished);
    return Behaviors.receive(Command.class)
        .onMessage(Finished.class, finished -> {
          resultTo.tell(finished.outcome());
          return Behaviors.stopped();
        })
        .onMessage(Cancel.class, cancel -> Behaviors.same()) // too late: the run has ended
        .onMessage(Ended.class, late -> Behaviors.same())
        .onSignal(Terminated.class, stopped -> Behaviors.same()) // the Experiment stopping after its outcome
        .build();
  }

  private static RunOutcome failedToFinish(ExperimentActor.Outcome ended, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return new RunOutcome(ended.runDirectory(), false, "cannot finish the run: " + cause, Map.of(), cause);
  }
}
