package dev.provpt.rl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The complete, serialisable state of an {@link AllocationPolicy}: network variables (with the
 * optimiser's slots and beta powers), counters, the rollout buffer and the generator state.
 * {@link #toJson()} and {@link #fromJson(String)} round-trip it exactly (floats included).
 *
 * @param policy {@code "ppo"} or {@code "thompson"}; restoring into the other kind is refused
 * @param blocks number of blocks L the policy was built for
 * @param tensors every TensorFlow variable by graph name (empty for the bandit)
 * @param counts integer counters by name (the bandit's successes and failures; empty for PPO)
 * @param transitions rewarded decisions waiting for the next update, oldest first
 * @param pending the decision still waiting for its reward, or null
 * @param updates number of learning updates so far
 * @param rngState the {@link Rng} state that draws the next action
 */
public record PolicyState(
    String policy,
    int blocks,
    Map<String, float[]> tensors,
    Map<String, long[]> counts,
    List<Transition> transitions,
    PendingDecision pending,
    int updates,
    long rngState) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A decision and what PPO stored at decision time: log π_old(a|s) and V_old(s). */
  public record PendingDecision(float[] state, int block, float logProbability, float stateValue) {
    public PendingDecision {
      state = state.clone();
    }

    @Override
    public float[] state() {
      return state.clone();
    }
  }

  /** A decision with its reward. */
  public record Transition(PendingDecision decision, double reward) {}

  public PolicyState {
    if (policy == null) {
      throw new IllegalArgumentException("policy state names no policy kind (expected \"ppo\" or \"thompson\")");
    }
    tensors = copyFloats(tensors == null ? Map.of() : tensors);
    counts = copyLongs(counts == null ? Map.of() : counts);
    transitions = transitions == null ? List.of() : List.copyOf(transitions);
  }

  /** Copies, so neither the caller nor the policy can change a saved state afterwards. */
  @Override
  public Map<String, float[]> tensors() {
    return copyFloats(tensors);
  }

  @Override
  public Map<String, long[]> counts() {
    return copyLongs(counts);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("policy state could not be written as JSON: " + e.getMessage(), e);
    }
  }

  public static PolicyState fromJson(String json) {
    try {
      return JSON.readValue(json, PolicyState.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a policy state: " + e.getOriginalMessage(), e);
    }
  }

  /** Throws unless this state was saved by a policy of kind {@code policy} with {@code blocks} blocks. */
  void requireCompatible(String policy, int blocks) {
    if (!this.policy.equals(policy) || this.blocks != blocks) {
      throw new IllegalArgumentException("cannot restore a " + this.policy + " state for L = " + this.blocks
          + " into a " + policy + " policy for L = " + blocks);
    }
  }

  /** Sorted by name, so the same state always writes the same JSON. */
  private static Map<String, float[]> copyFloats(Map<String, float[]> source) {
    Map<String, float[]> copy = new TreeMap<>();
    source.forEach((name, values) -> copy.put(name, values.clone()));
    return copy;
  }

  private static Map<String, long[]> copyLongs(Map<String, long[]> source) {
    Map<String, long[]> copy = new TreeMap<>();
    source.forEach((name, values) -> copy.put(name, values.clone()));
    return copy;
  }
}
