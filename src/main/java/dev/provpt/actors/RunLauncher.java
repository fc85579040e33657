package dev.provpt.actors;

import com.typesafe.config.Config;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.config.ExperimentSettings.Method;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.Split;
import dev.provpt.data.TaskData;
import dev.provpt.model.Backbone;
import dev.provpt.report.Plots;
import dev.provpt.report.ProgressBar;
import dev.provpt.report.RunDirectory;
import dev.provpt.rl.AllocationPolicy;
import dev.provpt.rl.PpoAllocator;
import dev.provpt.rl.PolicyState;
import dev.provpt.rl.PpoConfig;
import dev.provpt.rl.ThompsonAllocator;
import dev.provpt.train.TuningSession;
import dev.provpt.train.TuningSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Builds a run's actors from its settings and runs it to the end. */
public final class RunLauncher {
  private RunLauncher() {}

  /** Everything a run needs, loaded and checked before any actor starts. */
  public record Prepared(ExperimentSettings settings, Backbone backbone, Split split) {}

  public static Prepared prepare(ExperimentSettings settings) {
    Backbone backbone = Backbone.load(settings.backbone());
    TuningSetup.normalization(settings, backbone.config()); // a misfit normalisation fails here, not in the Tuner
    Split split = TaskData.load(settings.data(), settings.seed(), backbone.config());
    return new Prepared(settings, backbone, split);
  }

  /** The state of a run at its latest checkpoint. */
  public record Resume(TuningSession.Snapshot tuner, PolicyState allocator, ExperimentActor.RunState experiment) {}

  /**
   * Reads the latest complete checkpoint of a run directory and cuts metrics.jsonl back to it
   * (a crash between an epoch's metrics line and its checkpoint leaves one line too many).
   * Returns null when the run has no checkpoint yet: it starts again from epoch 1.
   */
  public static Resume readCheckpoint(Path runDirectory) throws IOException {
    Path latest = Checkpoints.latest(runDirectory);
    Resume resume = null;
    int epoch = 0;
    if (latest != null) {
      resume = new Resume(Checkpoints.read(latest.resolve(Checkpoints.TUNER), TuningSession.Snapshot.class),
          PolicyState.fromJson(Files.readString(latest.resolve(Checkpoints.ALLOCATOR))),
          Checkpoints.read(latest.resolve(Checkpoints.EXPERIMENT), ExperimentActor.RunState.class));
      epoch = resume.experiment().epoch();
    }
    Path metrics = runDirectory.resolve(RunDirectory.METRICS);
    if (Files.exists(metrics)) {
      List<String> kept = new ArrayList<>();
      for (String line : Files.readAllLines(metrics)) {
        if (!line.isBlank() && METRICS_JSON.readTree(line).get("epoch").asInt() <= epoch) {
          kept.add(line);
        }
      }
      Files.writeString(metrics, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
    }
    return resume;
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper METRICS_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The Experiment behaviour of a prepared run, with its real Tuner, Scorer and Allocator. */
  public static Behavior<ExperimentActor.Command> experiment(Prepared prepared, RunDirectory dir,
      ActorRef<ExperimentActor.Outcome> resultTo, boolean showProgress, Consumer<Map<String, Object>> onEpoch) {
    return experiment(prepared, dir, resultTo, showProgress, onEpoch, null);
  }

  /** As above, continuing from {@code resume} when it is not null. */
  public static Behavior<ExperimentActor.Command> experiment(Prepared prepared, RunDirectory dir,
      ActorRef<ExperimentActor.Outcome> resultTo, boolean showProgress, Consumer<Map<String, Object>> onEpoch,
      Resume resume) {
    ExperimentSettings s = prepared.settings();
    var c = prepared.backbone().config();
    int batches = BatchIterator.batchesPerEpoch(prepared.split().train().size(), s.train().batchSize());
    int resumedEpoch = resume == null ? 0 : resume.experiment().epoch();
    int[] epochCounter = {resumedEpoch};
    Supplier<ProgressBar> progress = () -> showProgress
        ? new ProgressBar(String.format("epoch %d/%d", ++epochCounter[0], s.train().epochs()), batches)
        : ProgressBar.silent();
    ExperimentActor.Team team = new ExperimentActor.Team(
        TunerActor.create(() -> TuningSetup.openSession(s, prepared.backbone(), prepared.split()),
            resume == null ? null : resume.tuner(), prepared.split().val(), prepared.split().test(),
            prepared.backbone().weights(), progress),
        ScorerActor.create(c.depth(), s.proVpt().warmupEpochs(), s.proVpt().prune(), s.seed() + 17, resumedEpoch),
        AllocatorActor.create(() -> policy(s, c.depth()), resume == null ? null : resume.allocator()),
        TensorBoardActor.create(dir.resolve(RunDirectory.TENSORBOARD)));
    ExperimentActor.Plan plan = new ExperimentActor.Plan(s.method().key, s.method() == Method.PRO_VPT,
        s.train().epochs(), s.proVpt().warmupEpochs(), s.proVpt().scoring() == ExperimentSettings.Scoring.PASS,
        (float) s.proVpt().relocationScale(), c.depth(), s.train().testEveryEpoch(), TuningSetup.initialDistribution(s, c.depth()),
        summaryHead(prepared));
    if (resume == null) {
      dir.writeConfig(s.render());
    }
    return ExperimentActor.create(plan, team, dir, resultTo, onEpoch, resume == null ? null : resume.experiment());
  }

  static AllocationPolicy policy(ExperimentSettings s, int depth) {
    if (s.proVpt().allocate() == ExperimentSettings.Allocate.THOMPSON) {
      return ThompsonAllocator.create(depth, s.seed() + 31);
    }
    var p = s.ppo();
    return PpoAllocator.create(depth, new PpoConfig(p.hidden(), p.gamma(), p.clip(), p.kEpochs(), p.valueCoefficient(),
        p.entropyCoefficient(), p.updateEvery(), (float) p.actorLr(), (float) p.criticLr()), s.seed() + 31);
  }

  private static Map<String, Object> summaryHead(Prepared prepared) {
    ExperimentSettings s = prepared.settings();
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("name", s.name());
    head.put("method", s.method().key);
    if (s.method() == Method.PRO_VPT) {
      head.put("prune", s.proVpt().prune().key);
      head.put("allocate", s.proVpt().allocate().key);
      head.put("scoring", s.proVpt().scoring().key);
      head.put("warmup_epochs", s.proVpt().warmupEpochs());
    }
    head.put("backbone", s.backbone().toString());
    head.put("task", prepared.split().train().name());
    head.put("train_size", prepared.split().train().size());
    head.put("val_size", prepared.split().val().size());
    head.put("test_size", prepared.split().test().size());
    head.put("epochs", s.train().epochs());
    head.put("learning_rate", s.train().learningRate());
    head.put("weight_decay", s.train().weightDecay());
    head.put("seed", s.seed());
    return head;
  }

  /** Runs a prepared experiment in its own actor system and waits for the outcome. */
  public static ExperimentActor.Outcome run(Prepared prepared, RunDirectory dir, boolean showProgress,
      Consumer<Map<String, Object>> onEpoch, Config systemConfig) {
    return run(prepared, dir, showProgress, onEpoch, systemConfig, null);
  }

  /** Runs a prepared experiment, continuing from {@code resume} when it is not null. */
  public static ExperimentActor.Outcome run(Prepared prepared, RunDirectory dir, boolean showProgress,
      Consumer<Map<String, Object>> onEpoch, Config systemConfig, Resume resume) {
    CompletableFuture<ExperimentActor.Outcome> outcome = new CompletableFuture<>();
    Behavior<ExperimentActor.Outcome> guardian = Behaviors.setup(context -> {
      var experiment = context.spawn(experiment(prepared, dir, context.getSelf(), showProgress, onEpoch, resume),
          "experiment");
      context.watch(experiment);
      return Behaviors.receive(ExperimentActor.Outcome.class)
          .onMessage(ExperimentActor.Outcome.class, o -> {
            outcome.complete(o);
            return Behaviors.same();
          })
          // an experiment that dies without an outcome (e.g. in its setup) still ends the run
          .onSignal(ChildFailed.class, failed -> {
            outcome.complete(new ExperimentActor.Outcome(dir.root(), false,
                "experiment failed: " + failed.getCause(), Map.of()));
            return Behaviors.stopped();
          })
          .onSignal(Terminated.class, stopped -> {
            outcome.complete(new ExperimentActor.Outcome(dir.root(), false, "experiment stopped without an outcome",
                Map.of()));
            return Behaviors.stopped();
          })
          .build();
    });
    ActorSystem<ExperimentActor.Outcome> system = ActorSystem.create(guardian, "provpt", systemConfig);
    try {
      ExperimentActor.Outcome result = outcome.join();
      if (result.succeeded()) {
        try {
          Plots.write(dir.root(), null);
        } catch (IOException | RuntimeException e) {
          // plots are a convenience: a run that trained and exported is not failed by them
          org.slf4j.LoggerFactory.getLogger(RunLauncher.class).warn("cannot draw the plots of {}: {}", dir.root(),
              e.toString());
        }
      }
      return result;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().orTimeout(Duration.ofSeconds(30).toSeconds(),
          java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }
}
