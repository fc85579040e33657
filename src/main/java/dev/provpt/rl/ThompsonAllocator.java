package dev.provpt.rl;

import dev.provpt.rl.PolicyState.PendingDecision;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * [PRO-VPT]'s bandit ablation (Tab. 3, Alc1): Thompson sampling with one Beta(successes + 1, failures + 1)
 * per block. The state vector is checked but not used: the bandit is context-free.
 *
 * <p>{@link #updates()} counts rewards, since each one updates the posterior.
 */
public final class ThompsonAllocator implements AllocationPolicy {
  static final String KIND = "thompson";
  static final String SUCCESSES = "successes";
  static final String FAILURES = "failures";
  /** Draws for the Monte-Carlo estimate of P(block is the argmax). */
  static final int PROBABILITY_SAMPLES = 2000;
  /** Fixed, so {@link #probabilities} is a pure function of the counts and leaves the main Rng alone. */
  private static final long PROBABILITY_SEED = 0x5EED_0F_7B0AL;

  private final int blocks;
  private final long[] successes;
  private final long[] failures;
  private Rng rng;
  private PendingDecision pending;
  private int updates;

  private ThompsonAllocator(int blocks, long seed) {
    Checks.blocks(blocks);
    this.blocks = blocks;
    this.successes = new long[blocks];
    this.failures = new long[blocks];
    this.rng = new Rng(seed);
  }

  public static ThompsonAllocator create(int blocks, long seed) {
    return new ThompsonAllocator(blocks, seed);
  }

  @Override
  public int blocks() {
    return blocks;
  }

  @Override
  public Decision decide(float[] state, int sourceBlock) {
    Checks.decision(state, sourceBlock, blocks, pending);
    int block = draw(rng);
    pending = new PendingDecision(state, block, 0f, 0f);
    return new Decision(block, estimate());
  }

  /** One Thompson draw: a sample from every block's posterior, the argmax (lowest index on ties). */
  private int draw(Rng random) {
    int best = 0;
    double bestValue = Double.NEGATIVE_INFINITY;
    for (int b = 0; b < blocks; b++) {
      double value = random.beta(successes[b] + 1.0, failures[b] + 1.0);
      if (value > bestValue) {
        bestValue = value;
        best = b;
      }
    }
    return best;
  }

  @Override
  public OptionalDouble reward(double reward, boolean success) {
    if (pending == null) {
      throw new IllegalStateException("reward " + reward + " has no pending decision: call decide() first");
    }
    Checks.reward(reward);
    if (success) {
      successes[pending.block()]++;
    } else {
      failures[pending.block()]++;
    }
    pending = null;
    updates++;
    return OptionalDouble.empty();
  }

  /** Monte-Carlo estimate of P(block is the Thompson draw) over {@value #PROBABILITY_SAMPLES} draws. */
  @Override
  public double[] probabilities(float[] state) {
    Checks.state(state, blocks);
    return estimate();
  }

  private double[] estimate() {
    Rng random = new Rng(PROBABILITY_SEED);
    double[] p = new double[blocks];
    for (int i = 0; i < PROBABILITY_SAMPLES; i++) {
      p[draw(random)] += 1.0 / PROBABILITY_SAMPLES;
    }
    return p;
  }

  @Override
  public int updates() {
    return updates;
  }

  @Override
  public PolicyState save() {
    return new PolicyState(KIND, blocks, Map.of(), Map.of(SUCCESSES, successes, FAILURES, failures),
        List.of(), pending, updates, rng.state());
  }

  @Override
  public void restore(PolicyState state) {
    state.requireCompatible(KIND, blocks);
    Map<String, long[]> counts = state.counts();
    long[] savedSuccesses = counts(counts, SUCCESSES);
    long[] savedFailures = counts(counts, FAILURES);
    if (state.pending() != null) {
      Checks.state(state.pending().state(), blocks);
      Checks.block("saved decision's block", state.pending().block(), blocks);
    }
    System.arraycopy(savedSuccesses, 0, successes, 0, blocks);
    System.arraycopy(savedFailures, 0, failures, 0, blocks);
    pending = state.pending();
    updates = state.updates();
    rng = new Rng(state.rngState());
  }

  private long[] counts(Map<String, long[]> counts, String name) {
    long[] values = counts.get(name);
    if (values == null || values.length != blocks) {
      throw new IllegalArgumentException("Thompson state needs " + blocks + " " + name + " counts, got "
          + (values == null ? "none" : values.length));
    }
    for (long v : values) {
      if (v < 0) {
        throw new IllegalArgumentException("Thompson " + name + " counts must be >= 0, got " + v);
      }
    }
    return values;
  }

  @Override
  public void close() {
    // nothing native to release
  }
}
