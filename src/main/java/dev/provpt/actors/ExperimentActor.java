package dev.provpt.actors;

import dev.provpt.report.RunDirectory;
import dev.provpt.train.Idleness;
import dev.provpt.train.TuningSession.PassResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;

/**
 * The coordinator of one run: a state machine over score → reward → prune → allocate →
 * relocate → tune → evaluate, one behaviour per phase. A message that arrives out of turn is
 * refused and logged, never acted on; a failed child ends the run with its reason.
 */
public final class ExperimentActor {

  public sealed interface Command {}

  /** Tuning epoch finished (carries the online idleness scores). */
  public record TuneDone(TunerActor.Tuned tuned) implements Command {}

  /** A scoring pass finished (scoring = pass). */
  public record ScoresMeasured(TunerActor.ScorePassed scores) implements Command {}

  /** The allocator took the reward of the previous relocation. */
  public record RewardDone(AllocatorActor.Reply reply) implements Command {}

  /** The scorer decided what to prune. */
  public record PruneDone(ScorerActor.Reply reply) implements Command {}

  /** The allocator chose a block. */
  public record AllocationDone(AllocatorActor.Reply reply) implements Command {}

  /** The tuner moved the prompt. */
  public record RelocationDone(TunerActor.Relocated relocated) implements Command {}

  public record EvaluationDone(TunerActor.Evaluated evaluated) implements Command {}

  public record ExportDone(TunerActor.Exported exported) implements Command {}

  /** The tuner wrote its part of this epoch's checkpoint. */
  public record TunerCheckpointed(TunerActor.Checkpointed checkpointed) implements Command {}

  /** The allocator handed over its state for this epoch's checkpoint. */
  public record AllocatorSaved(AllocatorActor.Saved saved) implements Command {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  public record Cancel(String reason) implements Command {}

  /** Where the run stands; {@code refused} counts out-of-turn messages. */
  public record Status(String phase, int epoch, int[] distribution, int relocations, int refused) {}

  /** How the run ended. */
  public record Outcome(Path runDirectory, boolean succeeded, String error, Map<String, Object> summary) {}

  /** What the coordinator needs to know about the run. */
  public record Plan(String method, boolean relocates, int epochs, int warmupEpochs, boolean passScoring,
      float relocationScale, int depth, boolean testEveryEpoch, int[] initialDistribution,
      Map<String, Object> summaryHead) {}

  /**
   * The coordinator's own state after a completed epoch: what a checkpoint needs besides the
   * tuner's and the allocator's state. Losses are null where not measured yet.
   */
  public record RunState(int epoch, int[] distribution, int relocations, double bestVal, int bestEpoch, int rewards,
      int ppoUpdates, float[] scores, int[] scoredAssignment, Double scoredLoss, Double lossAtLastRelocation) {}

  /** The behaviours of the three children; tests may substitute probes. */
  public record Team(Behavior<TunerActor.Command> tuner, Behavior<ScorerActor.Command> scorer,
      Behavior<AllocatorActor.Command> allocator, Behavior<TensorBoardActor.Epoch> tensorBoard) {
    /** A team without TensorBoard output. */
    public Team(Behavior<TunerActor.Command> tuner, Behavior<ScorerActor.Command> scorer,
        Behavior<AllocatorActor.Command> allocator) {
      this(tuner, scorer, allocator, Behaviors.ignore());
    }
  }

  private final ActorContext<Command> context;
  private final Plan plan;
  private final RunDirectory runDirectory;
  private final ActorRef<Outcome> resultTo;
  private final Consumer<Map<String, Object>> onEpoch;
  private final ActorRef<TunerActor.Command> tuner;
  private final ActorRef<ScorerActor.Command> scorer;
  private final ActorRef<AllocatorActor.Command> allocator;
  private final ActorRef<TensorBoardActor.Epoch> tensorBoard;
  private final ActorRef<TunerActor.Tuned> tunedAdapter;
  private final ActorRef<TunerActor.ScorePassed> scoresAdapter;
  private final ActorRef<TunerActor.Evaluated> evaluatedAdapter;
  private final ActorRef<TunerActor.Relocated> relocatedAdapter;
  private final ActorRef<TunerActor.Exported> exportedAdapter;
  private final ActorRef<ScorerActor.Reply> pruneAdapter;
  private final ActorRef<AllocatorActor.Reply> allocatorAdapter;
  private final ActorRef<TunerActor.Checkpointed> checkpointedAdapter;
  private final ActorRef<AllocatorActor.Saved> savedAdapter;

  // run state
  private int epoch;
  private int[] distribution;
  private int relocations;
  private int refused;
  private String phase = "starting";
  private boolean finishing;
  private double bestVal = -1;
  private int bestEpoch;
  private int rewards;
  private int ppoUpdates;
  // scores measured at the start of this epoch (or during the previous tuning epoch, online)
  private float[] scores;
  private int[] scoredAssignment;
  private double scoredLoss = Double.NaN;
  // the relocation of the previous epoch, awaiting its reward: the loss it was decided at
  private double lossAtLastRelocation = Double.NaN;
  // this epoch's record and phase timer
  private Map<String, Object> record;
  private Map<String, Double> phaseSeconds;
  private long epochStarted;
  private long phaseStarted;
  private int pendingPrompt;

  private ExperimentActor(ActorContext<Command> context, Plan plan, Team team, RunDirectory runDirectory,
      ActorRef<Outcome> resultTo, Consumer<Map<String, Object>> onEpoch, RunState resumeFrom) {
    this.context = context;
    this.plan = plan;
    this.runDirectory = runDirectory;
    this.resultTo = resultTo;
    this.onEpoch = onEpoch;
    this.distribution = plan.initialDistribution().clone();
    if (resumeFrom != null) {
      epoch = resumeFrom.epoch();
      distribution = resumeFrom.distribution().clone();
      relocations = resumeFrom.relocations();
      bestVal = resumeFrom.bestVal();
      bestEpoch = resumeFrom.bestEpoch();
      rewards = resumeFrom.rewards();
      ppoUpdates = resumeFrom.ppoUpdates();
      scores = resumeFrom.scores();
      scoredAssignment = resumeFrom.scoredAssignment();
      scoredLoss = resumeFrom.scoredLoss() == null ? Double.NaN : resumeFrom.scoredLoss();
      lossAtLastRelocation = resumeFrom.lossAtLastRelocation() == null ? Double.NaN : resumeFrom.lossAtLastRelocation();
    }
    DispatcherSelector tensorflow = DispatcherSelector.fromConfig("provpt.tensorflow-dispatcher");
    tuner = context.spawn(team.tuner(), "tuner", tensorflow);
    scorer = context.spawn(team.scorer(), "scorer");
    allocator = context.spawn(team.allocator(), "allocator", tensorflow);
    tensorBoard = context.spawn(team.tensorBoard(), "tensorboard", tensorflow);
    context.watch(tuner);
    context.watch(scorer);
    context.watch(allocator);
    tunedAdapter = context.messageAdapter(TunerActor.Tuned.class, TuneDone::new);
    scoresAdapter = context.messageAdapter(TunerActor.ScorePassed.class, ScoresMeasured::new);
    evaluatedAdapter = context.messageAdapter(TunerActor.Evaluated.class, EvaluationDone::new);
    relocatedAdapter = context.messageAdapter(TunerActor.Relocated.class, RelocationDone::new);
    exportedAdapter = context.messageAdapter(TunerActor.Exported.class, ExportDone::new);
    pruneAdapter = context.messageAdapter(ScorerActor.Reply.class, PruneDone::new);
    // one adapter per reply class (Pekko keeps only the last one registered): route by kind
    checkpointedAdapter = context.messageAdapter(TunerActor.Checkpointed.class, TunerCheckpointed::new);
    savedAdapter = context.messageAdapter(AllocatorActor.Saved.class, AllocatorSaved::new);
    allocatorAdapter = context.messageAdapter(AllocatorActor.Reply.class, reply ->
        reply instanceof AllocatorActor.Rewarded || (reply instanceof AllocatorActor.Refused && phase.equals("reward"))
            ? new RewardDone(reply) : new AllocationDone(reply));
  }

  /**
   * @param onEpoch called with each epoch's metrics record after it is written (e.g. a console line)
   */
  public static Behavior<Command> create(Plan plan, Team team, RunDirectory runDirectory, ActorRef<Outcome> resultTo,
      Consumer<Map<String, Object>> onEpoch) {
    return create(plan, team, runDirectory, resultTo, onEpoch, null);
  }

  /** As above, continuing after the epoch {@code resumeFrom} ended (a checkpoint), when not null. */
  public static Behavior<Command> create(Plan plan, Team team, RunDirectory runDirectory, ActorRef<Outcome> resultTo,
      Consumer<Map<String, Object>> onEpoch, RunState resumeFrom) {
    return Behaviors.setup(context -> {
      ExperimentActor experiment = new ExperimentActor(context, plan, team, runDirectory, resultTo, onEpoch,
          resumeFrom);
      return experiment.epoch >= plan.epochs() ? experiment.export() : experiment.startEpoch();
    });
  }

  // ------------------------------------------------------------------ the cycle

  private Behavior<Command> startEpoch() {
    epoch++;
    epochStarted = System.nanoTime();
    record = new LinkedHashMap<>();
    phaseSeconds = new LinkedHashMap<>();
    for (String p : new String[] {"score", "prune", "allocate", "tune", "eval"}) {
      phaseSeconds.put(p, 0.0);
    }
    record.put("relocation", null);
    record.put("reward", null);
    record.put("ppo_loss", null);
    boolean afterWarmup = epoch > plan.warmupEpochs();
    if (!plan.relocates() || !afterWarmup || (!plan.passScoring() && scores == null)) {
      return tune();
    }
    startPhase();
    if (plan.passScoring()) {
      tuner.tell(new TunerActor.ScorePass(epoch, scoresAdapter));
      return awaitingScores();
    }
    return reward(); // online: the scores of the previous tuning epoch are already here
  }

  private Behavior<Command> awaitingScores() {
    return phase("score", ScoresMeasured.class, measured -> {
      PassResult r = measured.scores().result();
      scores = r.promptScores();
      scoredAssignment = measured.scores().assignment();
      scoredLoss = r.loss();
      return reward();
    });
  }

  private Behavior<Command> reward() {
    endPhase("score");
    double maxScore = new Idleness(scores, scoredAssignment, plan.depth()).maxScore();
    record.put("max_idleness", maxScore);
    if (Double.isNaN(lossAtLastRelocation)) {
      return prune();
    }
    // r = L_prev − L_curr − max_j score_j  (the idleness score stands in for the intermediate loss)
    double value = lossAtLastRelocation - scoredLoss - maxScore;
    allocator.tell(new AllocatorActor.Reward(epoch, value, value >= 0, allocatorAdapter));
    return awaitingReward();
  }

  private Behavior<Command> awaitingReward() {
    return phase("reward", RewardDone.class, done -> {
      if (!(done.reply() instanceof AllocatorActor.Rewarded rewarded)) {
        return fail("allocator refused the reward: " + done.reply());
      }
      lossAtLastRelocation = Double.NaN;
      rewards++;
      record.put("reward", rewarded.reward());
      if (rewarded.ppoLoss().isPresent()) {
        ppoUpdates++;
        record.put("ppo_loss", rewarded.ppoLoss().getAsDouble());
      }
      endPhase("allocate");
      return prune();
    });
  }

  private Behavior<Command> prune() {
    startPhase();
    scorer.tell(new ScorerActor.Score(epoch, scores, scoredAssignment, scoredLoss, pruneAdapter));
    return awaitingPrune();
  }

  private Behavior<Command> awaitingPrune() {
    return phase("prune", PruneDone.class, done -> {
      if (!(done.reply() instanceof ScorerActor.Scored scored)) {
        return fail("scorer refused: " + done.reply());
      }
      endPhase("prune");
      if (scored.pruned().isEmpty()) {
        return tune(); // no idle prompt: nothing moves this epoch
      }
      pendingPrompt = scored.pruned().get();
      record.put("pruned_idleness", (double) scores[pendingPrompt]);
      allocator.tell(new AllocatorActor.Decide(epoch, scored.state(), scored.sourceBlock(), allocatorAdapter));
      return awaitingAllocation();
    });
  }

  private Behavior<Command> awaitingAllocation() {
    return phase("allocate", AllocationDone.class, done -> {
      if (!(done.reply() instanceof AllocatorActor.Decided decided)) {
        return fail("allocator refused the decision: " + done.reply());
      }
      tuner.tell(new TunerActor.Relocate(epoch, pendingPrompt, decided.block(), plan.relocationScale(), relocatedAdapter));
      return awaitingRelocation();
    });
  }

  private Behavior<Command> awaitingRelocation() {
    return phase("relocate", RelocationDone.class, done -> {
      TunerActor.Relocated r = done.relocated();
      relocations++;
      distribution = r.distribution();
      lossAtLastRelocation = scoredLoss;
      Map<String, Object> relocation = new LinkedHashMap<>();
      relocation.put("prompt", r.prompt());
      relocation.put("from_block", r.fromBlock());
      relocation.put("to_block", r.toBlock());
      relocation.put("idleness", (double) scores[r.prompt()]);
      record.put("relocation", relocation);
      endPhase("allocate");
      return tune();
    });
  }

  private Behavior<Command> tune() {
    startPhase();
    tuner.tell(new TunerActor.Tune(epoch, tunedAdapter));
    return awaitingTune();
  }

  private Behavior<Command> awaitingTune() {
    return phase("tune", TuneDone.class, done -> {
      PassResult r = done.tuned().result();
      endPhase("tune");
      distribution = done.tuned().distribution();
      record.put("train_loss", r.loss());
      record.put("train_acc", r.accuracy());
      if (plan.relocates() && !plan.passScoring()) {
        // online scoring: this epoch's accumulated gradient·value is next epoch's idleness
        scores = r.promptScores();
        scoredLoss = r.loss();
      }
      scoredAssignment = done.tuned().assignment();
      startPhase();
      tuner.tell(new TunerActor.Evaluate(epoch, plan.testEveryEpoch() || epoch == plan.epochs(), evaluatedAdapter));
      return awaitingEvaluation();
    });
  }

  private Behavior<Command> awaitingEvaluation() {
    return phase("eval", EvaluationDone.class, done -> {
      endPhase("eval");
      TunerActor.Evaluated e = done.evaluated();
      if (e.val().accuracy() > bestVal) {
        bestVal = e.val().accuracy();
        bestEpoch = epoch;
      }
      writeEpochRecord(e);
      startPhase();
      tuner.tell(new TunerActor.Checkpoint(epoch, Checkpoints.epochDirectory(runDirectory.root(), epoch)
          .resolve(Checkpoints.TUNER), checkpointedAdapter));
      return awaitingTunerCheckpoint();
    });
  }

  private Behavior<Command> awaitingTunerCheckpoint() {
    return phase("checkpoint", TunerCheckpointed.class, done -> {
      allocator.tell(new AllocatorActor.Save(savedAdapter));
      return awaitingAllocatorSave();
    });
  }

  private Behavior<Command> awaitingAllocatorSave() {
    return phase("checkpoint", AllocatorSaved.class, saved -> {
      Path directory = Checkpoints.epochDirectory(runDirectory.root(), epoch);
      try {
        RunDirectory.writeAtomically(directory.resolve(Checkpoints.ALLOCATOR), saved.saved().state().toJson());
        Checkpoints.writeJson(directory.resolve(Checkpoints.EXPERIMENT), new RunState(epoch, distribution.clone(),
            relocations, bestVal, bestEpoch, rewards, ppoUpdates, scores, scoredAssignment,
            Double.isNaN(scoredLoss) ? null : scoredLoss,
            Double.isNaN(lossAtLastRelocation) ? null : lossAtLastRelocation));
        Checkpoints.commit(runDirectory.root(), epoch);
      } catch (java.io.IOException e) {
        return fail("cannot write the checkpoint of epoch " + epoch + " to " + directory + ": " + e.getMessage());
      }
      return epoch < plan.epochs() ? startEpoch() : export();
    });
  }

  private Behavior<Command> export() {
    tuner.tell(new TunerActor.Export(runDirectory.resolve(RunDirectory.EXPORT), exportedAdapter));
    return awaitingExport();
  }

  private Behavior<Command> awaitingExport() {
    return phase("export", ExportDone.class, done -> {
      Map<String, Object> summary = new LinkedHashMap<>(plan.summaryHead());
      Map<String, Object> last = lastEpochRecord();
      summary.put("test_acc", last.get("test_acc"));
      summary.put("final_val_acc", last.get("val_acc"));
      summary.put("best_val_acc", bestVal);
      summary.put("best_epoch", bestEpoch);
      summary.put("distribution", distribution);
      summary.put("relocations", relocations);
      summary.put("rewards", rewards);
      summary.put("ppo_updates", ppoUpdates);
      runDirectory.writeSummary(summary);
      resultTo.tell(new Outcome(runDirectory.root(), true, null, summary));
      finishing = true;
      return Behaviors.stopped();
    });
  }

  /** The last line of metrics.jsonl (after a resume the last epoch may predate this process). */
  private Map<String, Object> lastEpochRecord() {
    try {
      var lines = RunDirectory.readMetrics(runDirectory.root());
      @SuppressWarnings("unchecked")
      Map<String, Object> last = Checkpoints.JSON.convertValue(lines.get(lines.size() - 1), Map.class);
      return last;
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read the last epoch of " + runDirectory.resolve(RunDirectory.METRICS), e);
    }
  }

  private void writeEpochRecord(TunerActor.Evaluated e) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("epoch", epoch);
    line.put("method", plan.method());
    line.put("train_loss", record.get("train_loss"));
    line.put("train_acc", record.get("train_acc"));
    line.put("val_loss", e.val().loss());
    line.put("val_acc", e.val().accuracy());
    line.put("test_acc", e.test() != null ? e.test().accuracy() : null);
    line.put("distribution", distribution.clone());
    line.put("relocation", record.get("relocation"));
    line.put("reward", record.get("reward"));
    line.put("ppo_loss", record.get("ppo_loss"));
    line.put("max_idleness", record.get("max_idleness"));
    line.put("seconds", (System.nanoTime() - epochStarted) / 1e9);
    line.put("phase_seconds", new LinkedHashMap<>(phaseSeconds));
    runDirectory.appendMetrics(line);
    tensorBoard.tell(new TensorBoardActor.Epoch(line));
    onEpoch.accept(line);
  }

  // ------------------------------------------------------------------ plumbing

  /** A phase: accepts {@code expected}, status queries and cancellation; refuses everything else. */
  private <T extends Command> Behavior<Command> phase(String name, Class<T> expected,
      java.util.function.Function<T, Behavior<Command>> handler) {
    phase = name;
    int phaseEpoch = epoch;
    return Behaviors.receive(Command.class)
        .onMessage(expected, message -> {
          if (!belongsToEpoch(message, phaseEpoch)) {
            return refuse(message);
          }
          return handler.apply(message);
        })
        .onMessage(GetStatus.class, this::onStatus)
        .onMessage(Cancel.class, cancel -> fail("cancelled: " + cancel.reason()))
        .onMessage(Command.class, this::refuse)
        .onSignal(ChildFailed.class, failed -> fail(childName(failed.getRef()) + " failed: "
            + failed.getCause().getMessage()))
        .onSignal(Terminated.class, stopped -> finishing ? Behaviors.same()
            : fail(childName(stopped.getRef()) + " stopped unexpectedly"))
        .build();
  }

  /** A reply meant for another epoch's phase is as out of turn as a reply of the wrong kind. */
  private static boolean belongsToEpoch(Command message, int epoch) {
    int messageEpoch = epoch;
    if (message instanceof TuneDone m) {
      messageEpoch = m.tuned().epoch();
    } else if (message instanceof ScoresMeasured m) {
      messageEpoch = m.scores().epoch();
    } else if (message instanceof RelocationDone m) {
      messageEpoch = m.relocated().epoch();
    } else if (message instanceof EvaluationDone m) {
      messageEpoch = m.evaluated().epoch();
    } else if (message instanceof PruneDone m) {
      messageEpoch = m.reply() instanceof ScorerActor.Scored s ? s.epoch() : ((ScorerActor.Refused) m.reply()).epoch();
    } else if (message instanceof RewardDone m) {
      messageEpoch = replyEpoch(m.reply());
    } else if (message instanceof AllocationDone m) {
      messageEpoch = replyEpoch(m.reply());
    }
    return messageEpoch == epoch;
  }

  private static int replyEpoch(AllocatorActor.Reply reply) {
    if (reply instanceof AllocatorActor.Decided d) {
      return d.epoch();
    }
    if (reply instanceof AllocatorActor.Rewarded r) {
      return r.epoch();
    }
    return ((AllocatorActor.Refused) reply).epoch();
  }

  private Behavior<Command> refuse(Command message) {
    refused++;
    context.getLog().warn("epoch {} phase {}: refused out-of-turn {}", epoch, phase, message.getClass().getSimpleName());
    return Behaviors.same();
  }

  private Behavior<Command> onStatus(GetStatus query) {
    query.replyTo().tell(new Status(phase, epoch, distribution.clone(), relocations, refused));
    return Behaviors.same();
  }

  private Behavior<Command> fail(String reason) {
    context.getLog().error("run {} failed in epoch {} ({}): {}", runDirectory.root(), epoch, phase, reason);
    finishing = true;
    resultTo.tell(new Outcome(runDirectory.root(), false, "epoch " + epoch + ", " + phase + ": " + reason, Map.of()));
    return Behaviors.stopped();
  }

  private String childName(ActorRef<Void> ref) {
    return ref.path().name();
  }

  private void startPhase() {
    phaseStarted = System.nanoTime();
  }

  private void endPhase(String name) {
    phaseSeconds.merge(name, (System.nanoTime() - phaseStarted) / 1e9, Double::sum);
    phaseStarted = System.nanoTime();
  }

  @Override
  public String toString() {
    return "Experiment(" + phase + ", epoch " + epoch + ", " + Arrays.toString(distribution) + ")";
  }
}
