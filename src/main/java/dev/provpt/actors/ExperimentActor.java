package dev.provpt.actors;

import dev.provpt.idleness.Measurement;
import dev.provpt.report.EpochRecord;
import dev.provpt.report.RunDirectory;
import dev.provpt.train.TuningSession.PassResult;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The coordinator of one run: a state machine over score → prune → reward → allocate → relocate
 * → tune → evaluate → checkpoint, one behaviour per phase (docs/ARCHITECTURE.md, "One epoch").
 * Each phase accepts exactly one reply type, for its own epoch; anything else is refused and
 * logged, never acted on. A failed child ends the run with its reason.
 */
public final class ExperimentActor {

  public sealed interface Command {}

  /** A child's reply to one of this actor's requests (all replies arrive through one adapter). */
  public record Reply(EpochReply reply) implements Command {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  public record Cancel(String reason) implements Command {}

  /** Where the run stands; {@code refused} counts out-of-turn messages. */
  public record Status(String phase, int epoch, int[] distribution, int relocations, int refused) {}

  /** How the run ended; {@code state}: after its last completed epoch; {@code cause}: what ended it, if it failed. */
  public record Outcome(Path runDirectory, boolean succeeded, String error, CycleState state, Throwable cause) {}

  private final ActorContext<Command> context;
  private final ExperimentPlan plan;
  private final RunRecorder recorder;
  private final ActorRef<Outcome> resultTo;
  private final ActorRef<TunerActor.Command> tuner;
  private final ActorRef<ScorerActor.Command> scorer;
  private final ActorRef<AllocatorActor.Command> allocator;
  private final ActorRef<EpochReply> replies;

  // the cycle's state (checkpointed as a CycleState after every epoch)
  private int epoch;
  private int[] distribution;
  private int relocations;
  private double bestVal;
  private int bestEpoch;
  private int rewards;
  private int ppoUpdates;
  private Measurement scores;
  private int[] scoredAssignment;
  private Double scoredLoss;
  private Double lossAtLastRelocation;
  // this epoch only
  private EpochDraft draft;
  private ScorerActor.Scored assessment;
  private int refused;

  private ExperimentActor(ActorContext<Command> context, ExperimentPlan plan, ExperimentTeam team,
      RunDirectory runDirectory, ActorRef<Outcome> resultTo, Consumer<EpochRecord> onEpoch, CycleState from) {
    this.context = context;
    this.plan = plan;
    this.resultTo = resultTo;
    epoch = from.epoch();
    distribution = from.distribution().clone();
    relocations = from.relocations();
    bestVal = from.bestVal();
    bestEpoch = from.bestEpoch();
    rewards = from.rewards();
    ppoUpdates = from.ppoUpdates();
    scores = from.scores();
    scoredAssignment = from.scoredAssignment();
    scoredLoss = from.scoredLoss();
    lossAtLastRelocation = from.lossAtLastRelocation();
    DispatcherSelector tensorflow = DispatcherSelector.fromConfig("provpt.tensorflow-dispatcher");
    tuner = context.spawn(team.tuner(), "tuner", tensorflow);
    scorer = context.spawn(team.scorer(), "scorer");
    allocator = context.spawn(team.allocator(), "allocator", tensorflow);
    var tensorBoard = context.spawn(team.tensorBoard(), "tensorboard", tensorflow);
    context.watch(tuner);
    context.watch(scorer);
    context.watch(allocator);
    replies = context.messageAdapter(EpochReply.class, Reply::new);
    recorder = new RunRecorder(runDirectory, from.epoch(), tensorBoard, onEpoch, plan.keptCheckpoints());
  }

  /**
   * @param onEpoch called with each epoch's metrics record after it is written (e.g. a console line)
   * @param resumeFrom the state after the last checkpointed epoch, or null to start at epoch 1
   */
  public static Behavior<Command> create(ExperimentPlan plan, ExperimentTeam team, RunDirectory runDirectory,
      ActorRef<Outcome> resultTo, Consumer<EpochRecord> onEpoch, CycleState resumeFrom) {
    CycleState from = resumeFrom != null ? resumeFrom : CycleState.start(plan.initialDistribution());
    return Behaviors.setup(context -> {
      try {
        ExperimentActor experiment = new ExperimentActor(context, plan, team, runDirectory, resultTo, onEpoch, from);
        return experiment.epoch >= plan.epochs() ? experiment.export() : experiment.startEpoch();
      } catch (RuntimeException e) { // e.g. its metrics.jsonl cannot be opened, or the run was taken over
        resultTo.tell(new Outcome(runDirectory.root(), false, "cannot start: " + e.getMessage(), from, e));
        return Behaviors.stopped();
      }
    });
  }

  // ------------------------------------------------------------------ the cycle

  private Behavior<Command> startEpoch() {
    epoch++;
    draft = new EpochDraft(epoch);
    assessment = null;
    if (!plan.relocates() || epoch <= plan.warmupEpochs() || (!plan.passScoring() && scores == null)) {
      return tune();
    }
    if (plan.passScoring()) {
      tuner.tell(new TunerActor.ScorePass(epoch, plan.leaveOneOut(), replies));
      return awaiting("score", TunerActor.ScorePassed.class, measured -> {
        scores = measured.result().idleness();
        scoredAssignment = measured.assignment();
        scoredLoss = measured.result().loss();
        return assess();
      });
    }
    return assess(); // online: the scores of the previous tuning epoch are already here
  }

  private Behavior<Command> assess() {
    draft.endPhase("score");
    scorer.tell(new ScorerActor.Score(epoch, scores, scoredAssignment, scoredLoss, replies));
    return awaiting("prune", ScorerActor.Reply.class, reply -> {
      if (!(reply instanceof ScorerActor.Scored scored)) {
        return fail("prune", "scorer refused: " + reply, null);
      }
      draft.endPhase("prune");
      assessment = scored;
      draft.maxIdleness = scored.maxScore();
      return lossAtLastRelocation == null ? prune() : reward();
    });
  }

  /** The reward of the previous epoch's relocation: r = L_prev − L_curr − max idleness. */
  private Behavior<Command> reward() {
    double value = lossAtLastRelocation - scoredLoss - assessment.maxScore();
    allocator.tell(new AllocatorActor.Reward(epoch, value, value >= 0, replies));
    return awaiting("reward", AllocatorActor.RewardReply.class, reply -> {
      if (!(reply instanceof AllocatorActor.Rewarded rewarded)) {
        return fail("reward", "allocator refused the reward: " + reply, null);
      }
      lossAtLastRelocation = null;
      rewards++;
      draft.reward = rewarded.reward();
      if (rewarded.ppoLoss().isPresent()) {
        ppoUpdates++;
        draft.ppoLoss = rewarded.ppoLoss().getAsDouble();
      }
      draft.endPhase("allocate");
      return prune();
    });
  }

  private Behavior<Command> prune() {
    if (assessment.pruned().isEmpty()) {
      return tune(); // no idle prompt: nothing moves this epoch
    }
    int prompt = assessment.pruned().get();
    allocator.tell(new AllocatorActor.Decide(epoch, assessment.state(), assessment.sourceBlock(), replies));
    return awaiting("allocate", AllocatorActor.DecideReply.class, reply -> {
      if (!(reply instanceof AllocatorActor.Decided decided)) {
        return fail("allocate", "allocator refused the decision: " + reply, null);
      }
      tuner.tell(new TunerActor.Relocate(epoch, prompt, decided.block(), plan.relocationScale(),
          plan.scaleKeptPrompt(), replies));
      return awaiting("relocate", TunerActor.Relocated.class, this::relocated);
    });
  }

  private Behavior<Command> relocated(TunerActor.Relocated moved) {
    relocations++;
    distribution = moved.distribution();
    lossAtLastRelocation = scoredLoss;
    draft.relocation = new EpochRecord.Relocation(moved.prompt(), moved.fromBlock(), moved.toBlock(),
        assessment.prunedScore(), moved.scaled());
    draft.endPhase("allocate");
    return tune();
  }

  private Behavior<Command> tune() {
    draft.startPhase();
    tuner.tell(new TunerActor.Tune(epoch, replies));
    return awaiting("tune", TunerActor.Tuned.class, tuned -> {
      PassResult result = tuned.result();
      draft.endPhase("tune");
      distribution = tuned.distribution();
      draft.trainLoss = result.loss();
      draft.trainAccuracy = result.accuracy();
      if (plan.relocates() && !plan.passScoring()) {
        // online scoring: this epoch's accumulated gradient·value is next epoch's idleness
        scores = result.idleness();
        scoredLoss = result.loss();
      }
      scoredAssignment = tuned.assignment();
      return evaluate();
    });
  }

  private Behavior<Command> evaluate() {
    draft.startPhase();
    tuner.tell(new TunerActor.Evaluate(epoch, plan.testEveryEpoch() || epoch == plan.epochs(), replies));
    return awaiting("eval", TunerActor.Evaluated.class, evaluated -> {
      draft.endPhase("eval");
      if (evaluated.val().accuracy() > bestVal) {
        bestVal = evaluated.val().accuracy();
        bestEpoch = epoch;
      }
      recorder.epoch(draft.finish(plan.method(), evaluated.val().loss(), evaluated.val().accuracy(),
          evaluated.test() != null ? evaluated.test().accuracy() : null, distribution));
      return checkpoint();
    });
  }

  /** The tuner writes its state, then the allocator hands over its own; the recorder commits both. */
  private Behavior<Command> checkpoint() {
    tuner.tell(new TunerActor.Checkpoint(epoch, recorder.tunerCheckpoint(epoch), replies));
    return awaiting("checkpoint", TunerActor.Checkpointed.class, written -> {
      allocator.tell(new AllocatorActor.Save(epoch, replies));
      return awaiting("checkpoint", AllocatorActor.Saved.class, saved -> {
        recorder.checkpoint(epoch, saved.state(), state()); // a failed write ends the run (see awaiting)
        return epoch < plan.epochs() ? startEpoch() : export();
      });
    });
  }

  private Behavior<Command> export() {
    tuner.tell(new TunerActor.Export(epoch, recorder.exportDirectory(), replies));
    return awaiting("export", TunerActor.Exported.class, exported -> {
      resultTo.tell(new Outcome(recorder.root(), true, null, state(), null));
      return Behaviors.stopped(recorder::close);
    });
  }

  private CycleState state() {
    return new CycleState(epoch, distribution.clone(), relocations, bestVal, bestEpoch, rewards, ppoUpdates, scores,
        scoredAssignment, scoredLoss, lossAtLastRelocation);
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * A phase: accepts the one reply type {@code expected} for this epoch, status queries and
   * cancellation; refuses everything else.
   */
  private <T extends EpochReply> Behavior<Command> awaiting(String phase, Class<T> expected,
      Function<T, Behavior<Command>> handler) {
    int phaseEpoch = epoch;
    return Behaviors.receive(Command.class)
        .onMessage(Reply.class, r -> expected.isInstance(r.reply()) && r.reply().epoch() == phaseEpoch,
            r -> {
              try {
                return handler.apply(expected.cast(r.reply()));
              } catch (RuntimeException e) { // a refused or failed write (metrics, checkpoint, export) ends the run
                return fail(phase, String.valueOf(e.getMessage()), e);
              }
            })
        .onMessage(GetStatus.class, query -> {
          query.replyTo().tell(new Status(phase, epoch, distribution.clone(), relocations, refused));
          return Behaviors.same();
        })
        .onMessage(Cancel.class, cancel -> fail(phase, "cancelled: " + cancel.reason(), null))
        .onMessage(Command.class, message -> {
          refused++;
          context.getLog().warn("epoch {} phase {}: refused out-of-turn {}", epoch, phase, describe(message));
          return Behaviors.same();
        })
        .onSignal(ChildFailed.class, failed -> fail(phase, failed.getRef().path().name() + " failed: "
            + failed.getCause().getMessage(), failed.getCause()))
        .onSignal(Terminated.class, s -> fail(phase, s.getRef().path().name() + " stopped unexpectedly", null))
        .build();
  }

  private static String describe(Command message) {
    return message instanceof Reply r ? r.reply().getClass().getSimpleName() + " of epoch " + r.reply().epoch()
        : message.getClass().getSimpleName();
  }

  private Behavior<Command> fail(String phase, String reason, Throwable cause) {
    boolean refusedWrite = cause instanceof RunDirectory.WriteRefusedException; // its guard has logged why
    context.getLog().atLevel(refusedWrite ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.ERROR).log(
        "run {} {} in epoch {} ({}): {}", recorder.root(), refusedWrite ? "stops" : "failed", epoch, phase, reason);
    resultTo.tell(new Outcome(recorder.root(), false, "epoch " + epoch + ", " + phase + ": " + reason, state(), cause));
    return Behaviors.stopped(recorder::close);
  }
}
