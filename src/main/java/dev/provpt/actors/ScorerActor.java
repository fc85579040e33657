package dev.provpt.actors;

import dev.provpt.config.ExperimentSettings.Prune;
import dev.provpt.idleness.Estimator;
import dev.provpt.idleness.Idleness;
import dev.provpt.idleness.Measurement;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Turns the prompts' measured idleness into what the cycle needs from it, once per epoch: the
 * highest score (the reward's penalty), block sums, the prune decision (one prompt per epoch,
 * none during warm-up) and the allocator's state vector. Nobody else derives these.
 */
public final class ScorerActor extends AbstractBehavior<ScorerActor.Command> {

  public sealed interface Command {}

  /**
   * The prompts' idleness at the start of {@code epoch} (1-based) as the run's estimators measured it,
   * with the assignment it was measured under and the mean training loss measured with it.
   */
  public record Score(int epoch, Measurement measurement, int[] assignment, double loss,
      ActorRef<? super Reply> replyTo) implements Command {

    /** Input-gate scores only ([PRO-VPT] Eq. 6). */
    public Score(int epoch, float[] inputGateScores, int[] assignment, double loss, ActorRef<? super Reply> replyTo) {
      this(epoch, Measurement.of(Estimator.INPUT_GATE, inputGateScores), assignment, loss, replyTo);
    }
  }

  /** The one reply to {@link Score}. */
  public sealed interface Reply extends EpochReply {}

  /**
   * @param maxScore the highest idleness (the reward's penalty), by the run's estimator
   * @param pruned the prompt to release, empty when none is idle (or during warm-up)
   * @param prunedScore the pruned prompt's idleness (0 when none)
   * @param state the allocator's state vector (3L) when a prompt is pruned, else empty
   */
  public record Scored(int epoch, double[] blockSums, double maxScore, Optional<Integer> pruned, double prunedScore,
      int sourceBlock, float[] state, double loss) implements Reply {

    /** Taylor pruning's reply: the pruned prompt is the one with the highest score. */
    public Scored(int epoch, double[] blockSums, double maxScore, Optional<Integer> pruned, int sourceBlock,
        float[] state, double loss) {
      this(epoch, blockSums, maxScore, pruned, pruned.isPresent() ? maxScore : 0, sourceBlock, state, loss);
    }
  }

  /** The request broke the cycle (e.g. a second prune in one epoch); nothing changed. */
  public record Refused(int epoch, String reason) implements Reply {}

  private final int depth;
  private final int warmupEpochs;
  private final boolean randomPrune;
  private final Estimator estimator;
  private final long seed;
  private int lastScoredEpoch;

  private ScorerActor(ActorContext<Command> context, int depth, int warmupEpochs, boolean randomPrune,
      Estimator estimator, long seed, int lastScoredEpoch) {
    super(context);
    this.depth = depth;
    this.warmupEpochs = warmupEpochs;
    this.randomPrune = randomPrune;
    this.estimator = estimator;
    this.seed = seed;
    this.lastScoredEpoch = lastScoredEpoch;
  }

  /** A scorer of [PRO-VPT]'s input-gate idleness (Eq. 6). */
  public static Behavior<Command> create(int depth, int warmupEpochs, Prune prune, long seed) {
    return create(depth, warmupEpochs, prune, Estimator.INPUT_GATE, seed, 0);
  }

  /**
   * @param estimator whose scores decide (the measurement carries them all)
   * @param lastScoredEpoch epochs up to this one count as scored already (a resumed run)
   */
  public static Behavior<Command> create(int depth, int warmupEpochs, Prune prune, Estimator estimator, long seed,
      int lastScoredEpoch) {
    return Behaviors.setup(context -> new ScorerActor(context, depth, warmupEpochs, prune == Prune.RANDOM, estimator,
        seed, lastScoredEpoch));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Score.class, this::onScore).build();
  }

  private Behavior<Command> onScore(Score score) {
    if (score.epoch() <= lastScoredEpoch) {
      refuse(score, "epoch " + score.epoch() + " was already scored (last scored: " + lastScoredEpoch
          + "): one prune per epoch");
      return this;
    }
    if (score.epoch() <= warmupEpochs) {
      refuse(score, "epoch " + score.epoch() + " is within the " + warmupEpochs + "-epoch warm-up");
      return this;
    }
    lastScoredEpoch = score.epoch();
    float[] scores = score.measurement().scores(estimator);
    Idleness idleness = new Idleness(scores, score.assignment(), depth);
    // random pruning draws from (seed, epoch): reproducible, and nothing to checkpoint
    Optional<Integer> pruned = randomPrune
        ? idleness.randomPrune(new SplittableRandom(seed * 1_000_003L + score.epoch())) : idleness.taylorPrune();
    float[] state = pruned.map(idleness::allocatorState).orElse(new float[0]);
    int source = pruned.map(j -> score.assignment()[j]).orElse(-1);
    score.replyTo().tell(new Scored(score.epoch(), idleness.blockSums(), idleness.maxScore(), pruned,
        pruned.map(j -> (double) scores[j]).orElse(0.0), source, state, score.loss()));
    return this;
  }

  private void refuse(Score score, String reason) {
    getContext().getLog().warn("Scorer refused Score: {}", reason);
    score.replyTo().tell(new Refused(score.epoch(), reason));
  }
}
