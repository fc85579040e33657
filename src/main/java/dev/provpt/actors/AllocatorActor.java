package dev.provpt.actors;

import dev.provpt.rl.AllocationPolicy;
import dev.provpt.rl.PolicyState;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Owns the allocation policy (PPO networks, optimiser and rollout buffer, or the bandit's
 * counts): answers "which block?", takes rewards, updates the policy. Two phases, one behaviour
 * each: {@link #ready} takes a decision (a reward there is refused), {@link #awaitingReward} takes
 * the reward of the decision it names (a second decision there is refused). Spawn it on the
 * TensorFlow dispatcher (PPO is a graph).
 */
public final class AllocatorActor {

  public sealed interface Command {}

  public record Decide(int epoch, float[] state, int sourceBlock, ActorRef<? super DecideReply> replyTo)
      implements Command {}

  public record Reward(int epoch, double reward, boolean success, ActorRef<? super RewardReply> replyTo)
      implements Command {}

  /** Hands over the policy's state for the checkpoint of {@code epoch}. */
  public record Save(int epoch, ActorRef<? super Saved> replyTo) implements Command {}

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

  public record Saved(int epoch, PolicyState state) implements EpochReply {}

  /** The decision that awaits its reward: made in {@code epoch}, or restored from a checkpoint ({@code epoch} 0). */
  private record Pending(int epoch) {
    String describe() {
      return epoch > 0 ? "the decision of epoch " + epoch : "the decision restored from the checkpoint";
    }
  }

  private AllocatorActor() {}

  /** @param policy owned (and closed) by this actor */
  public static Behavior<Command> create(AllocationPolicy policy) {
    return Behaviors.setup(context -> ready(context, policy));
  }

  /**
   * Builds the policy in this actor's setup (on its dispatcher: PPO is a TensorFlow graph) and,
   * when {@code restore} is not null, continues from that saved state (awaiting the reward of the
   * decision it saved, if any).
   */
  public static Behavior<Command> create(Supplier<AllocationPolicy> policy, PolicyState restore) {
    return Behaviors.setup(context -> {
      AllocationPolicy built = policy.get();
      if (restore == null) {
        return ready(context, built);
      }
      built.restore(restore);
      return restore.pending() != null ? awaitingReward(context, built, new Pending(0)) : ready(context, built);
    });
  }

  /** No decision pending: decides; refuses a reward. */
  private static Behavior<Command> ready(ActorContext<Command> context, AllocationPolicy policy) {
    return Behaviors.receive(Command.class)
        .onMessage(Decide.class, decide -> {
          AllocationPolicy.Decision decision = policy.decide(decide.state(), decide.sourceBlock());
          decide.replyTo().tell(new Decided(decide.epoch(), decision.block(), decision.probabilities()));
          return awaitingReward(context, policy, new Pending(decide.epoch()));
        })
        .onMessage(Reward.class, reward -> {
          refuse(context, reward.replyTo(), reward.epoch(), "Reward for epoch " + reward.epoch()
              + " with no decision awaiting one");
          return Behaviors.same();
        })
        .onMessage(Save.class, save -> save(policy, save))
        .onSignal(PostStop.class, signal -> close(policy))
        .build();
  }

  /** A decision awaits its reward: takes it; refuses another decision. */
  private static Behavior<Command> awaitingReward(ActorContext<Command> context, AllocationPolicy policy,
      Pending pending) {
    return Behaviors.receive(Command.class)
        .onMessage(Reward.class, reward -> {
          OptionalDouble loss = policy.reward(reward.reward(), reward.success());
          reward.replyTo().tell(new Rewarded(reward.epoch(), reward.reward(), loss, policy.updates()));
          return ready(context, policy);
        })
        .onMessage(Decide.class, decide -> {
          refuse(context, decide.replyTo(), decide.epoch(), "Decide for epoch " + decide.epoch() + " while "
              + pending.describe() + " still awaits its reward");
          return Behaviors.same();
        })
        .onMessage(Save.class, save -> save(policy, save))
        .onSignal(PostStop.class, signal -> close(policy))
        .build();
  }

  private static Behavior<Command> save(AllocationPolicy policy, Save save) {
    save.replyTo().tell(new Saved(save.epoch(), policy.save()));
    return Behaviors.same();
  }

  private static Behavior<Command> close(AllocationPolicy policy) {
    policy.close();
    return Behaviors.same();
  }

  private static void refuse(ActorContext<Command> context, ActorRef<? super Refused> replyTo, int epoch,
      String reason) {
    context.getLog().warn("Allocator refused: {}", reason);
    replyTo.tell(new Refused(epoch, reason));
  }
}
