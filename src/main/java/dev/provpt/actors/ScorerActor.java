package dev.provpt.actors;

import dev.provpt.config.ExperimentSettings.Prune;
import dev.provpt.train.Idleness;
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
   * Scores of the prompts at the start of {@code epoch} (1-based), with the assignment they were
   * measured under and the mean training loss measured with them.
   */
  public record Score(int epoch, float[] scores, int[] assignment, double loss, ActorRef<? super Reply> replyTo)
      implements Command {}

  /** The one reply to {@link Score}. */
  public sealed interface Reply extends EpochReply {}

  /**
   * @param pruned the prompt to release, empty when none is idle (or during warm-up)
   * @param state the allocator's state vector (3L) when a prompt is pruned, else empty
   */
  public record Scored(int epoch, double[] blockSums, double maxScore, Optional<Integer> pruned, int sourceBlock,
      float[] state, double loss) implements Reply {}

  /** The request broke the cycle (e.g. a second prune in one epoch); nothing changed. */
  public record Refused(int epoch, String reason) implements Reply {}

  private final int depth;
  private final int warmupEpochs;
  private final boolean randomPrune;
  private final long seed;
  private int lastScoredEpoch;

  private ScorerActor(ActorContext<Command> context, int depth, int warmupEpochs, boolean randomPrune, long seed,
      int lastScoredEpoch) {
    super(context);
    this.depth = depth;
    this.warmupEpochs = warmupEpochs;
    this.randomPrune = randomPrune;
    this.seed = seed;
    this.lastScoredEpoch = lastScoredEpoch;
  }

  public static Behavior<Command> create(int depth, int warmupEpochs, Prune prune, long seed) {
    return create(depth, warmupEpochs, prune, seed, 0);
  }

  /** @param lastScoredEpoch epochs up to this one count as scored already (a resumed run) */
  public static Behavior<Command> create(int depth, int warmupEpochs, Prune prune, long seed, int lastScoredEpoch) {
    return Behaviors.setup(context -> new ScorerActor(context, depth, warmupEpochs, prune == Prune.RANDOM, seed,
        lastScoredEpoch));
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
    Idleness idleness = new Idleness(score.scores(), score.assignment(), depth);
    // random pruning draws from (seed, epoch): reproducible, and nothing to checkpoint
    Optional<Integer> pruned = randomPrune
        ? idleness.randomPrune(new SplittableRandom(seed * 1_000_003L + score.epoch())) : idleness.taylorPrune();
    float[] state = pruned.map(idleness::allocatorState).orElse(new float[0]);
    int source = pruned.map(j -> score.assignment()[j]).orElse(-1);
    score.replyTo().tell(new Scored(score.epoch(), idleness.blockSums(), idleness.maxScore(), pruned, source, state,
        score.loss()));
    return this;
  }

  private void refuse(Score score, String reason) {
    getContext().getLog().warn("Scorer refused Score: {}", reason);
    score.replyTo().tell(new Refused(score.epoch(), reason));
  }
}
