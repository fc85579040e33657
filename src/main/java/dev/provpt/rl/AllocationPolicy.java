package dev.provpt.rl;

import java.util.OptionalDouble;

/**
 * Chooses the block that receives a pruned prompt (PRO-VPT's relocation step) and learns from the
 * reward of that choice one epoch later.
 *
 * <p>The cycle is strict: {@link #decide} leaves one pending decision, {@link #reward} completes
 * it; a second {@code decide} before the reward, or a reward without a decision, is an
 * {@link IllegalStateException}. Implementations are not thread-safe: one owner drives them.
 */
public interface AllocationPolicy extends AutoCloseable {

  /** The chosen block and the action probabilities it was drawn from (for logs and audits). */
  record Decision(int block, double[] probabilities) {}

  /** Number of blocks L: actions are in [0, L), states have length 3L. */
  int blocks();

  /**
   * Picks a target block in [0, L) for the prompt released from {@code sourceBlock} (choosing the
   * source itself is allowed: a no-op) and records it as pending.
   *
   * @param state the allocator state of length 3L (z-normalised block idleness sums, prompt distribution,
   *     one-hot source block)
   */
  Decision decide(float[] state, int sourceBlock);

  /**
   * The reward of the pending decision. Returns the training loss when this reward completed a
   * batch and the policy was updated, empty otherwise.
   *
   * @param success whether the relocation counts as a success (used by the bandit)
   */
  OptionalDouble reward(double reward, boolean success);

  /** Current action probabilities for {@code state}; records nothing, draws nothing. */
  double[] probabilities(float[] state);

  /** Number of learning updates so far. */
  int updates();

  /** Everything needed to continue exactly where this policy is now. */
  PolicyState save();

  /** Replaces this policy's whole state with {@code state} (saved by a policy built the same way). */
  void restore(PolicyState state);

  @Override
  void close();
}
