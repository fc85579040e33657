package dev.provpt.actors;

import dev.provpt.rl.AllocationPolicy;
import dev.provpt.rl.PolicyState;
import java.util.OptionalDouble;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Owns the allocation policy (PPO networks, optimiser and rollout buffer, or the bandit's
 * counts): answers "which block?", takes rewards, updates the policy. A reward with no
 * decision waiting for it is refused. Spawn it on the TensorFlow dispatcher (PPO is a graph).
 */
public final class AllocatorActor extends AbstractBehavior<AllocatorActor.Command> {

  public sealed interface Command {}

  public record Decide(int epoch, float[] state, int sourceBlock, ActorRef<? super DecideReply> replyTo)
      implements Command {}

  public record Reward(int epoch, double reward, boolean success, ActorRef<? super RewardReply> replyTo)
      implements Command {}

  /** Hands over the policy's state for the checkpoint of {@code epoch}. */
  public record Save(int epoch, ActorRef<? super Saved> replyTo) implements Command {
    public Save(ActorRef<? super Saved> replyTo) {
      this(0, replyTo);
    }
  }

  public record Restore(PolicyState state, ActorRef<? super Saved> replyTo) implements Command {}

  public record Probabilities(float[] state, ActorRef<double[]> replyTo) implements Command {}

  /** Every reply of the allocator. */
  public sealed interface Reply extends EpochReply {}

  /** The one reply to {@link Decide}. */
  public sealed interface DecideReply extends Reply {}

  /** The one reply to {@link Reward}. */
  public sealed interface RewardReply extends Reply {}

  public record Decided(int epoch, int block, double[] probabilities) implements DecideReply {}

  /** @param ppoLoss the policy loss when this reward completed an update */
  public record Rewarded(int epoch, double reward, OptionalDouble ppoLoss, int updates) implements RewardReply {}

  /** The request broke the cycle (a second decision, a reward with none pending); nothing changed. */
  public record Refused(int epoch, String reason) implements DecideReply, RewardReply {}

  public record Saved(int epoch, PolicyState state) implements EpochReply {
    public Saved(PolicyState state) {
      this(0, state);
    }
  }

  private final AllocationPolicy policy;
  private int pendingEpoch = -1;

  private AllocatorActor(ActorContext<Command> context, AllocationPolicy policy) {
    super(context);
    this.policy = policy;
  }

  /** @param policy owned (and closed) by this actor */
  public static Behavior<Command> create(AllocationPolicy policy) {
    return Behaviors.setup(context -> new AllocatorActor(context, policy));
  }

  /**
   * Builds the policy in this actor's setup (on its dispatcher: PPO is a TensorFlow graph) and,
   * when {@code restore} is not null, continues from that saved state.
   */
  public static Behavior<Command> create(java.util.function.Supplier<AllocationPolicy> policy, PolicyState restore) {
    return Behaviors.setup(context -> {
      AllocationPolicy built = policy.get();
      if (restore != null) {
        built.restore(restore);
      }
      AllocatorActor actor = new AllocatorActor(context, built);
      actor.pendingEpoch = restore != null && restore.pending() != null ? Integer.MAX_VALUE : -1;
      return actor;
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Decide.class, this::onDecide)
        .onMessage(Reward.class, this::onReward)
        .onMessage(Save.class, save -> {
          save.replyTo().tell(new Saved(save.epoch(), policy.save()));
          return this;
        })
        .onMessage(Restore.class, restore -> {
          policy.restore(restore.state());
          restore.replyTo().tell(new Saved(restore.state()));
          return this;
        })
        .onMessage(Probabilities.class, query -> {
          query.replyTo().tell(policy.probabilities(query.state()));
          return this;
        })
        .onSignal(PostStop.class, signal -> {
          policy.close();
          return this;
        })
        .build();
  }

  private Behavior<Command> onDecide(Decide decide) {
    if (pendingEpoch >= 0) {
      String reason = "Decide for epoch " + decide.epoch() + " while the decision of epoch " + pendingEpoch
          + " still awaits its reward";
      getContext().getLog().warn("Allocator refused: {}", reason);
      decide.replyTo().tell(new Refused(decide.epoch(), reason));
      return this;
    }
    AllocationPolicy.Decision decision = policy.decide(decide.state(), decide.sourceBlock());
    pendingEpoch = decide.epoch();
    decide.replyTo().tell(new Decided(decide.epoch(), decision.block(), decision.probabilities()));
    return this;
  }

  private Behavior<Command> onReward(Reward reward) {
    if (pendingEpoch < 0) {
      String reason = "Reward for epoch " + reward.epoch() + " with no decision awaiting one";
      getContext().getLog().warn("Allocator refused: {}", reason);
      reward.replyTo().tell(new Refused(reward.epoch(), reason));
      return this;
    }
    OptionalDouble loss = policy.reward(reward.reward(), reward.success());
    pendingEpoch = -1;
    reward.replyTo().tell(new Rewarded(reward.epoch(), reward.reward(), loss, policy.updates()));
    return this;
  }
}
