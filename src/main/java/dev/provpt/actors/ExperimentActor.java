package dev.provpt.actors;

import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.train.TuningSession.PassResult;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
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
 * logged, never acted on. A failed child ends the run with its reason. The cycle's state is one
 * immutable {@link CycleState} that each phase hands the next; the epoch's metrics are filled in
 * an {@link EpochDraft}. Writes to the run directory (metrics, checkpoint) run on Pekko's
 * blocking dispatcher and come back as a message, as a child's reply does.
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

  /** A write to the run directory (on the blocking dispatcher) has ended: {@code value}, or the {@code error} it met. */
  private record Written(int epoch, Object value, Throwable error) implements EpochReply {}

  private final ActorContext<Command> context;
  private final ExperimentPlan plan;
  private final RunRecorder recorder;
  private final ActorRef<Outcome> resultTo;
  private final ActorRef<TunerActor.Command> tuner;
  private final ActorRef<ScorerActor.Command> scorer;
  private final ActorRef<AllocatorActor.Command> allocator;
  private final ActorRef<EpochReply> replies;
  private final Executor blocking;
  /** Out-of-turn messages refused so far (reported by {@link GetStatus}). */
  private int refused;

  private ExperimentActor(ActorContext<Command> context, ExperimentPlan plan, ExperimentTeam team,
      RunDirectory runDirectory, ActorRef<Outcome> resultTo, Consumer<EpochRecord> onEpoch, int startsAfter) {
    this.context = context;
    this.plan = plan;
    this.resultTo = resultTo;
    DispatcherSelector tensorflow = DispatcherSelector.fromConfig("provpt.tensorflow-dispatcher");
    tuner = context.spawn(team.tuner(), "tuner", tensorflow);
    scorer = context.spawn(team.scorer(), "scorer");
    allocator = context.spawn(team.allocator(), "allocator", tensorflow);
    var tensorBoard = context.spawn(team.tensorBoard(), "tensorboard", tensorflow);
    context.watch(tuner);
    context.watch(scorer);
    context.watch(allocator);
    replies = context.messageAdapter(EpochReply.class, Reply::new);
    blocking = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    recorder = new RunRecorder(runDirectory, startsAfter, tensorBoard, onEpoch, plan.keptCheckpoints());
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
        var experiment = new ExperimentActor(context, plan, team, runDirectory, resultTo, onEpoch, from.epoch());
        return from.epoch() >= plan.epochs()
            ? experiment.write(from, "export", experiment.recorder::exportDirectory, dir -> experiment.export(from,
                (Path) dir))
            : experiment.startEpoch(from);
      } catch (RuntimeException e) { // e.g. its metrics.jsonl cannot be opened, or the run was taken over
        resultTo.tell(new Outcome(runDirectory.root(), false, "cannot start: " + e.getMessage(), from, e));
        return Behaviors.stopped();
      }
    });
  }

  // ------------------------------------------------------------------ the cycle: each phase gets the state so far

  private Behavior<Command> startEpoch(CycleState before) {
    CycleState c = before.nextEpoch();
    EpochDraft draft = new EpochDraft(c.epoch());
    if (!plan.relocates() || c.epoch() <= plan.warmupEpochs() || (!plan.passScoring() && c.scores() == null)) {
      return tune(c, draft);
    }
    if (plan.passScoring()) {
      tuner.tell(new TunerActor.ScorePass(c.epoch(), plan.leaveOneOut(), replies));
      return awaiting(c, "score", TunerActor.ScorePassed.class, measured -> assess(c.scored(
          measured.result().idleness(), measured.assignment(), measured.result().loss()), draft));
    }
    return assess(c, draft); // online: the scores of the previous tuning epoch are already here
  }

  private Behavior<Command> assess(CycleState c, EpochDraft draft) {
    draft.endPhase("score");
    scorer.tell(new ScorerActor.Score(c.epoch(), c.scores(), c.scoredAssignment(), c.scoredLoss(), replies));
    return awaiting(c, "prune", ScorerActor.Reply.class, reply -> {
      if (!(reply instanceof ScorerActor.Scored scored)) {
        return fail(c, "prune", "scorer refused: " + reply, null);
      }
      draft.endPhase("prune");
      draft.maxIdleness = scored.maxScore();
      return c.lossAtLastRelocation() == null ? prune(c, draft, scored) : reward(c, draft, scored);
    });
  }

  /** The reward of the previous epoch's relocation: r = L_prev − L_curr − max idleness. */
  private Behavior<Command> reward(CycleState c, EpochDraft draft, ScorerActor.Scored scored) {
    double value = c.lossAtLastRelocation() - c.scoredLoss() - scored.maxScore();
    allocator.tell(new AllocatorActor.Reward(c.epoch(), value, value >= 0, replies));
    return awaiting(c, "reward", AllocatorActor.RewardReply.class, reply -> {
      if (!(reply instanceof AllocatorActor.Rewarded rewarded)) {
        return fail(c, "reward", "allocator refused the reward: " + reply, null);
      }
      draft.reward = rewarded.reward();
      rewarded.ppoLoss().ifPresent(loss -> draft.ppoLoss = loss);
      draft.endPhase("allocate");
      return prune(c.rewarded(rewarded.ppoLoss().isPresent()), draft, scored);
    });
  }

  private Behavior<Command> prune(CycleState c, EpochDraft draft, ScorerActor.Scored scored) {
    if (scored.pruned().isEmpty()) {
      return tune(c, draft); // no idle prompt: nothing moves this epoch
    }
    int prompt = scored.pruned().get();
    allocator.tell(new AllocatorActor.Decide(c.epoch(), scored.state(), scored.sourceBlock(), replies));
    return awaiting(c, "allocate", AllocatorActor.DecideReply.class, reply -> {
      if (!(reply instanceof AllocatorActor.Decided decided)) {
        return fail(c, "allocate", "allocator refused the decision: " + reply, null);
      }
      tuner.tell(new TunerActor.Relocate(c.epoch(), prompt, decided.block(), plan.relocationScale(),
          plan.scaleKeptPrompt(), replies));
      return awaiting(c, "relocate", TunerActor.Relocated.class, moved -> {
        draft.relocation = new EpochRecord.Relocation(moved.prompt(), moved.fromBlock(), moved.toBlock(),
            scored.prunedScore(), moved.scaled());
        draft.endPhase("allocate");
        return tune(c.relocated(moved.distribution()), draft);
      });
    });
  }

  private Behavior<Command> tune(CycleState c, EpochDraft draft) {
    draft.startPhase();
    tuner.tell(new TunerActor.Tune(c.epoch(), replies));
    return awaiting(c, "tune", TunerActor.Tuned.class, tuned -> {
      PassResult result = tuned.result();
      draft.endPhase("tune");
      draft.trainLoss = result.loss();
      draft.trainAccuracy = result.accuracy();
      CycleState after = c.tuned(tuned.distribution(), tuned.assignment());
      // online scoring: this epoch's accumulated gradient·value is next epoch's idleness
      return evaluate(plan.relocates() && !plan.passScoring()
          ? after.scored(result.idleness(), tuned.assignment(), result.loss()) : after, draft);
    });
  }

  /** Evaluates, then writes the epoch's metrics line (off this actor) and asks where the tuner's checkpoint goes. */
  private Behavior<Command> evaluate(CycleState c, EpochDraft draft) {
    draft.startPhase();
    tuner.tell(new TunerActor.Evaluate(c.epoch(), plan.testEveryEpoch() || c.epoch() == plan.epochs(), replies));
    return awaiting(c, "eval", TunerActor.Evaluated.class, evaluated -> {
      draft.endPhase("eval");
      CycleState after = c.evaluated(evaluated.val().accuracy());
      EpochRecord record = draft.finish(plan.method(), evaluated.val().loss(), evaluated.val().accuracy(),
          evaluated.test() != null ? evaluated.test().accuracy() : null, after.distribution());
      return write(after, "eval", () -> {
        recorder.epoch(record);
        return recorder.tunerCheckpoint(after.epoch());
      }, file -> checkpoint(after, (Path) file));
    });
  }

  /** The tuner writes its state, then the allocator hands over its own; the recorder commits both (off this actor). */
  private Behavior<Command> checkpoint(CycleState c, Path tunerFile) {
    tuner.tell(new TunerActor.Checkpoint(c.epoch(), tunerFile, replies));
    return awaiting(c, "checkpoint", TunerActor.Checkpointed.class, written -> {
      allocator.tell(new AllocatorActor.Save(c.epoch(), replies));
      return awaiting(c, "checkpoint", AllocatorActor.Saved.class, saved -> write(c, "checkpoint", () -> {
        recorder.checkpoint(c.epoch(), saved.state(), c);
        return c.epoch() < plan.epochs() ? null : recorder.exportDirectory();
      }, export -> export == null ? startEpoch(c) : export(c, (Path) export)));
    });
  }

  private Behavior<Command> export(CycleState c, Path directory) {
    tuner.tell(new TunerActor.Export(c.epoch(), directory, replies));
    return awaiting(c, "export", TunerActor.Exported.class, exported -> {
      resultTo.tell(new Outcome(recorder.root(), true, null, c, null));
      return Behaviors.stopped(recorder::close);
    });
  }

  // ------------------------------------------------------------------ plumbing

  /**
   * A write to the run directory ({@code io}: metrics, checkpoint, the guard's checks, which may
   * wait for the job store) on the blocking dispatcher, never on this actor's handler; its result
   * goes to {@code then}. A write that fails ends the run (the previous checkpoint stays the latest).
   */
  private Behavior<Command> write(CycleState c, String phase, Supplier<Object> io,
      Function<Object, Behavior<Command>> then) {
    int epoch = c.epoch();
    // handle(): a write with no value (null) still answers (pipeToSelf drops a null result)
    context.pipeToSelf(CompletableFuture.supplyAsync(io, blocking).handle((value, error) -> new Reply(new Written(
        epoch, value, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error))),
        (reply, never) -> reply);
    return awaiting(c, phase, Written.class, written -> written.error() == null ? then.apply(written.value())
        : fail(c, phase, String.valueOf(written.error().getMessage()), written.error()));
  }

  /**
   * A phase: accepts the one reply type {@code expected} for this epoch, status queries and
   * cancellation; refuses everything else.
   */
  private <T extends EpochReply> Behavior<Command> awaiting(CycleState c, String phase, Class<T> expected,
      Function<T, Behavior<Command>> handler) {
    return Behaviors.receive(Command.class)
        .onMessage(Reply.class, r -> expected.isInstance(r.reply()) && r.reply().epoch() == c.epoch(),
            r -> {
              try {
                return handler.apply(expected.cast(r.reply()));
              } catch (RuntimeException e) { // e.g. a reply the next phase cannot use
                return fail(c, phase, String.valueOf(e.getMessage()), e);
              }
            })
        .onMessage(GetStatus.class, query -> {
          query.replyTo().tell(new Status(phase, c.epoch(), c.distribution().clone(), c.relocations(), refused));
          return Behaviors.same();
        })
        .onMessage(Cancel.class, cancel -> fail(c, phase, "cancelled: " + cancel.reason(), null))
        .onMessage(Command.class, message -> {
          refused++;
          context.getLog().warn("epoch {} phase {}: refused out-of-turn {}", c.epoch(), phase, describe(message));
          return Behaviors.same();
        })
        .onSignal(ChildFailed.class, failed -> fail(c, phase, failed.getRef().path().name() + " failed: "
            + failed.getCause().getMessage(), failed.getCause()))
        .onSignal(Terminated.class, s -> fail(c, phase, s.getRef().path().name() + " stopped unexpectedly", null))
        .build();
  }

  private static String describe(Command message) {
    return message instanceof Reply r ? r.reply().getClass().getSimpleName() + " of epoch " + r.reply().epoch()
        : message.getClass().getSimpleName();
  }

  private Behavior<Command> fail(CycleState c, String phase, String reason, Throwable cause) {
    boolean refusedWrite = cause instanceof RunDirectory.WriteRefusedException; // its guard has logged why
    context.getLog().atLevel(refusedWrite ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.ERROR).log(
        "run {} {} in epoch {} ({}): {}", recorder.root(), refusedWrite ? "stops" : "failed", c.epoch(), phase, reason);
    resultTo.tell(new Outcome(recorder.root(), false, "epoch " + c.epoch() + ", " + phase + ": " + reason, c, cause));
    return Behaviors.stopped(recorder::close);
  }
}
