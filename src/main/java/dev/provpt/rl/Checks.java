package dev.provpt.rl;

/** Argument checks shared by the policies. */
final class Checks {
  private Checks() {}

  /** Throws unless {@code state} has length 3L and finite entries. */
  static void state(float[] state, int blocks) {
    if (state == null || state.length != 3 * blocks) {
      throw new IllegalArgumentException("allocator state must have length 3L = " + 3 * blocks
          + " for L = " + blocks + " blocks, got " + (state == null ? "null" : state.length));
    }
    for (int i = 0; i < state.length; i++) {
      if (!Float.isFinite(state[i])) {
        throw new IllegalArgumentException("allocator state[" + i + "] must be finite, got " + state[i]);
      }
    }
  }

  /** Throws unless {@code block} is in [0, blocks). */
  static void block(String what, int block, int blocks) {
    if (block < 0 || block >= blocks) {
      throw new IllegalArgumentException(what + " must be in [0, " + blocks + "), got " + block);
    }
  }

  /** The checks before a decision: a valid state and source block, and no decision awaiting its reward. */
  static void decision(float[] state, int sourceBlock, int blocks, PolicyState.PendingDecision pending) {
    state(state, blocks);
    block("source block", sourceBlock, blocks);
    if (pending != null) {
      throw new IllegalStateException("the decision for block " + pending.block()
          + " still waits for its reward: call reward() before the next decide()");
    }
  }

  static void blocks(int blocks) {
    if (blocks < 1) {
      throw new IllegalArgumentException("an allocator needs at least 1 block, got " + blocks);
    }
  }

  static void reward(double reward) {
    if (!Double.isFinite(reward)) {
      throw new IllegalArgumentException("reward must be finite, got " + reward);
    }
  }
}
