package dev.provpt.run;

import com.typesafe.config.Config;
import dev.provpt.actors.ExperimentActor;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.data.Split;
import dev.provpt.model.Backbone;
import dev.provpt.model.Xla;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.Plots;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.rl.PolicyState;
import dev.provpt.actors.CycleState;
import dev.provpt.train.TuningSession;
import dev.provpt.train.TuningSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns settings into a run: prepare (backbone, data, normalisation), launch
 * or resume (the Experiment and its team), finish (summary, plots). The CLI, sweeps, the daemon
 * and the benchmarks all call it; none of them assembles a run itself.
 */
public final class RunService {
  private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

  private RunService() {}

  /**
   * Loads the backbone and the task and checks that they fit. Blocking I/O: never on an actor's
   * handler. Backbones and generated tasks are shared by the runs of one process ({@link PreparedCache}).
   */
  public static PreparedRun prepare(ExperimentSettings settings) {
    if (settings.xla() == Xla.ON) {
      Xla.enableCpuAutoClustering(); // before the process's first session runs (loading the backbone runs one)
    }
    Backbone backbone = PreparedCache.backbone(settings.backbone());
    TuningSetup.normalization(settings, backbone.config()); // a misfit normalisation fails here, not in the Tuner
    Split split = PreparedCache.split(settings.data(), settings.seed(), backbone.config());
    return new PreparedRun(settings, backbone, split);
  }

  /**
   * The state of a run at its newest usable checkpoint, with metrics.jsonl cut back to it (a
   * crash between an epoch's metrics line and its checkpoint leaves lines to redo). A damaged
   * checkpoint is reported and the previous one used. Null when the run has no checkpoint yet:
   * it starts again from epoch 1.
   *
   * @throws Checkpoints.CheckpointException when checkpoints exist but none is usable
   */
  public static Resume readCheckpoint(Path runDirectory) throws IOException {
    Resume resume = Checkpoints.latestUsable(runDirectory, directory -> new Resume(
        Checkpoints.readJson(directory.resolve(Checkpoints.TUNER), TuningSession.Snapshot.class),
        PolicyState.fromJson(Files.readString(directory.resolve(Checkpoints.ALLOCATOR))),
        Checkpoints.readJson(directory.resolve(Checkpoints.EXPERIMENT), CycleState.class)),
        warning -> LOG.warn("{}", warning)).orElse(null);
    RunDirectory.keepMetricsUpTo(runDirectory, resume == null ? 0 : resume.experiment().epoch());
    return resume;
  }

  /**
   * The Experiment of a prepared run with its real team, continuing from {@code resume} when it is
   * not null. Writes nothing: a fresh run's config.conf is written by {@link #writeConfig} first.
   */
  static Behavior<ExperimentActor.Command> experiment(PreparedRun prepared, RunDirectory directory,
      ActorRef<ExperimentActor.Outcome> resultTo, boolean showProgress, Consumer<EpochRecord> onEpoch,
      Resume resume) {
    return ExperimentActor.create(RunAssembly.plan(prepared), RunAssembly.team(prepared, directory, resume,
        showProgress), directory, resultTo, onEpoch, resume == null ? null : resume.experiment());
  }

  /** A fresh run's config.conf (the fully resolved settings), before its Experiment starts. Blocking I/O. */
  public static void writeConfig(PreparedRun prepared, RunDirectory directory) {
    directory.writeConfig(prepared.settings().render());
  }

  /**
   * After the Experiment ended: on success summary.json (through {@code directory}'s guard) and the
   * plots; the outcome either way. Blocking I/O: {@link RunSupervisor} calls it on the blocking dispatcher.
   */
  static RunOutcome finish(PreparedRun prepared, ExperimentActor.Outcome outcome, RunDirectory directory) {
    if (!outcome.succeeded()) {
      return new RunOutcome(outcome.runDirectory(), false, outcome.error(), Map.of(), outcome.cause());
    }
    Map<String, Object> summary;
    try {
      // the last epoch may predate this process (a resumed run): read it back
      List<EpochRecord> epochs = RunDirectory.readEpochs(outcome.runDirectory());
      summary = RunAssembly.summary(prepared, outcome.state(), epochs.get(epochs.size() - 1));
      directory.writeSummary(summary);
    } catch (IOException | RuntimeException e) {
      return new RunOutcome(outcome.runDirectory(), false, "cannot write the summary of " + outcome.runDirectory()
          + ": " + e.getMessage(), Map.of(), e);
    }
    try {
      Plots.write(outcome.runDirectory(), null);
    } catch (IOException | RuntimeException e) {
      // plots are a convenience: a run that trained and exported is not failed by them
      LOG.warn("cannot draw the plots of {}: {}", outcome.runDirectory(), e.toString());
    }
    return new RunOutcome(outcome.runDirectory(), true, null, summary);
  }

  /** Runs a prepared experiment in its own actor system, from the start, and waits for its outcome. */
  public static RunOutcome run(PreparedRun prepared, RunDirectory directory, boolean showProgress,
      Consumer<EpochRecord> onEpoch, Config systemConfig) {
    return run(prepared, directory, showProgress, onEpoch, systemConfig, null);
  }

  /** As above, continuing from {@code resume} when it is not null: one {@link RunSupervisor} as the guardian. */
  public static RunOutcome run(PreparedRun prepared, RunDirectory directory, boolean showProgress,
      Consumer<EpochRecord> onEpoch, Config systemConfig, Resume resume) {
    if (resume == null) {
      writeConfig(prepared, directory);
    }
    CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
    var launch = new RunSupervisor.Launch(prepared, directory, resume, showProgress, onEpoch,
        DispatcherSelector.defaultDispatcher());
    Behavior<RunOutcome> guardian = Behaviors.setup(context -> {
      context.watch(context.spawn(RunSupervisor.create(launch, context.getSelf()), "run"));
      return Behaviors.receive(RunOutcome.class)
          .onMessage(RunOutcome.class, o -> {
            outcome.complete(o);
            return Behaviors.same();
          })
          .onSignal(Terminated.class, stopped -> {
            outcome.complete(new RunOutcome(directory.root(), false, "the run's supervisor stopped without an outcome",
                Map.of()));
            return Behaviors.stopped();
          })
          .build();
    });
    ActorSystem<RunOutcome> system = ActorSystem.create(guardian, "provpt", systemConfig);
    try {
      return outcome.join();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }

  /** Prepares and runs the experiment {@code config} describes, from the start, quietly. */
  public static RunOutcome run(Config config, RunDirectory directory) {
    ExperimentSettings settings = ExperimentSettings.from(config);
    return run(prepare(settings), directory, false, epoch -> { }, config);
  }
}
