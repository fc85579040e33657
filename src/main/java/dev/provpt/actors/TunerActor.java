package dev.provpt.actors;

import dev.provpt.data.ImageSet;
import dev.provpt.model.TunedModelExport;
import dev.provpt.model.VitWeights;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.ProgressBar;
import dev.provpt.train.TuningSession;
import dev.provpt.train.TuningSession.PassResult;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns the TensorFlow session of the prompted model (through a {@link TuningSession}): tunes,
 * scores, evaluates, relocates and exports. Spawn it on the TensorFlow dispatcher: every
 * handler here makes TensorFlow calls that block.
 */
public final class TunerActor extends AbstractBehavior<TunerActor.Command> {

  public sealed interface Command {}

  /** One epoch of optimisation; the reply carries the online idleness scores of that epoch. */
  public record Tune(int epoch, ActorRef<? super Tuned> replyTo) implements Command {}

  /**
   * A scoring pass without updates (scoring = pass): the run's per-step estimators over the training set or,
   * with {@code leaveOneOut}, those and the exact removal effect on the fixed scoring subset.
   */
  public record ScorePass(int epoch, boolean leaveOneOut, ActorRef<? super ScorePassed> replyTo) implements Command {
    public ScorePass(int epoch, ActorRef<? super ScorePassed> replyTo) {
      this(epoch, false, replyTo);
    }
  }

  public record Evaluate(int epoch, boolean withTest, ActorRef<? super Evaluated> replyTo) implements Command {}

  /**
   * Moves {@code prompt} to {@code toBlock} and multiplies its value by {@code scale}; a prompt sent
   * to its own block is scaled only when {@code scaleWhenKept}.
   */
  public record Relocate(int epoch, int prompt, int toBlock, float scale, boolean scaleWhenKept,
      ActorRef<? super Relocated> replyTo) implements Command {}

  /** Exports the tuned model after the last epoch, {@code epoch}. */
  public record Export(int epoch, Path directory, ActorRef<? super Exported> replyTo) implements Command {}

  /** Writes the tuning state after {@code epoch} to {@code file} (aside, then renamed). */
  public record Checkpoint(int epoch, Path file, ActorRef<? super Checkpointed> replyTo) implements Command {}

  // Replies

  public record Tuned(int epoch, PassResult result, int[] distribution, int[] assignment) implements EpochReply {}

  public record ScorePassed(int epoch, PassResult result, int[] assignment) implements EpochReply {}

  public record Evaluated(int epoch, PassResult val, PassResult test) implements EpochReply {}

  public record Relocated(int epoch, int prompt, int fromBlock, int toBlock, boolean scaled, int[] distribution,
      int[] assignment) implements EpochReply {}

  public record Exported(int epoch, Path directory) implements EpochReply {}

  public record Checkpointed(int epoch, Path file) implements EpochReply {}

  private final TuningSession session;
  private final ImageSet val;
  private final ImageSet test;
  private final VitWeights backbone;
  private final IntFunction<ProgressBar> progress;
  private final int scoringSubsetSize;
  /** The fixed subset leave-one-out idleness is measured on; drawn at the first such pass. */
  private ImageSet scoringSubset;

  private TunerActor(ActorContext<Command> context, TuningSession session, ImageSet val, ImageSet test,
      VitWeights backbone, IntFunction<ProgressBar> progress, int scoringSubsetSize) {
    super(context);
    this.session = session;
    this.val = val;
    this.test = test;
    this.backbone = backbone;
    this.progress = progress;
    this.scoringSubsetSize = scoringSubsetSize;
  }

  /**
   * @param session builds the tuning session; called in this actor's setup, so that the graph is
   *     built on the TensorFlow dispatcher too. The actor owns and closes the session.
   * @param restore the checkpoint to continue from, or null for a fresh run
   * @param progress a fresh progress bar for each tuning epoch (or silent ones)
   * @param scoringSubsetSize training images in the fixed subset of leave-one-out scoring passes
   */
  public static Behavior<Command> create(Supplier<TuningSession> session, TuningSession.Snapshot restore,
      ImageSet val, ImageSet test, VitWeights backbone, IntFunction<ProgressBar> progress, int scoringSubsetSize) {
    return Behaviors.setup(context -> {
      TuningSession built = session.get();
      if (restore != null) {
        built.restore(restore);
      }
      return new TunerActor(context, built, val, test, backbone, progress, scoringSubsetSize);
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tune.class, this::onTune)
        .onMessage(ScorePass.class, this::onScorePass)
        .onMessage(Evaluate.class, this::onEvaluate)
        .onMessage(Relocate.class, this::onRelocate)
        .onMessage(Export.class, this::onExport)
        .onMessage(Checkpoint.class, this::onCheckpoint)
        .onSignal(PostStop.class, signal -> {
          session.close();
          return this;
        })
        .build();
  }

  private Behavior<Command> onTune(Tune tune) {
    ProgressBar bar = progress.apply(tune.epoch());
    PassResult result = session.tuneEpoch(tune.epoch(), bar);
    bar.finish();
    tune.replyTo().tell(new Tuned(tune.epoch(), result, session.distribution(), session.assignment()));
    return this;
  }

  private Behavior<Command> onScorePass(ScorePass pass) {
    if (pass.leaveOneOut() && scoringSubset == null) {
      scoringSubset = session.scoringSubset(scoringSubsetSize);
    }
    PassResult result = pass.leaveOneOut() ? session.measureWithLeaveOneOut(scoringSubset) : session.scorePass();
    pass.replyTo().tell(new ScorePassed(pass.epoch(), result, session.assignment()));
    return this;
  }

  private Behavior<Command> onEvaluate(Evaluate evaluate) {
    PassResult valResult = session.evaluate(val);
    PassResult testResult = evaluate.withTest() ? session.evaluate(test) : null;
    evaluate.replyTo().tell(new Evaluated(evaluate.epoch(), valResult, testResult));
    return this;
  }

  private Behavior<Command> onRelocate(Relocate relocate) {
    int from = session.relocate(relocate.prompt(), relocate.toBlock(), relocate.scale(), relocate.scaleWhenKept());
    boolean scaled = from != relocate.toBlock() || relocate.scaleWhenKept();
    relocate.replyTo().tell(new Relocated(relocate.epoch(), relocate.prompt(), from, relocate.toBlock(), scaled,
        session.distribution(), session.assignment()));
    return this;
  }

  private Behavior<Command> onCheckpoint(Checkpoint checkpoint) throws java.io.IOException {
    Checkpoints.writeJson(checkpoint.file(), session.snapshot());
    checkpoint.replyTo().tell(new Checkpointed(checkpoint.epoch(), checkpoint.file()));
    return this;
  }

  private Behavior<Command> onExport(Export export) throws java.io.IOException {
    TunedModelExport.export(export.directory(), session.model().config(), backbone, session.model(),
        session.assignment());
    TunedModelExport.writeClassNames(export.directory(), session.classNames());
    export.replyTo().tell(new Exported(export.epoch(), export.directory()));
    return this;
  }
}
