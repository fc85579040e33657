package dev.provpt.rl;

import dev.provpt.rl.PolicyState.PendingDecision;
import dev.provpt.rl.PolicyState.Transition;
import dev.provpt.stats.ZScores;
import dev.provpt.tf.HostVariables;
import dev.provpt.tf.OrderedAdam;
import dev.provpt.tf.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * [PRO-VPT]'s allocator (Tab. 3, Alc2): [PPO] with a softmax actor and a value critic, as in [PRO-VPT-code]'s
 * PPO-PyTorch code, built as a small TensorFlow graph.
 *
 * <p>Actor: S → 64 → tanh → 64 → tanh → L → softmax. Critic: S → 64 → tanh → 64 → tanh → 1.
 * Both are trained on one loss, {@code mean(−min(ρA, clip(ρ, 1−ε, 1+ε)A) + 0.5(V − R)² − 0.01·H)},
 * by two Adam optimisers run as one step (actor 3e-4, critic 1e-3; {@link OrderedAdam} is the
 * framework's Adam with its beta-power race fixed). Every {@code updateEvery} rewards the buffer,
 * one episode, gets Monte-Carlo returns normalised with the unbiased std and K full-batch steps,
 * then is cleared. {@link #reward} returns the loss averaged over the K epochs, each measured
 * before its step, as [PRO-VPT-code]'s {@code update()} does. The acting policy is the current
 * one, which is [PRO-VPT-code]'s {@code policy_old}: the two are equal between updates.
 *
 * <p>[PRO-VPT-code] skips an epoch whose loss is not finite; with finite states and rewards (both
 * checked) that cannot arise short of divergence, so here it is an {@link IllegalStateException}.
 *
 * <p>Variables are named like [PRO-VPT-code]'s {@code nn.Sequential} parameters
 * ({@code actor.0.weight}, {@code critic.4.bias}) with PyTorch's {@code [out, in]} layout. Not
 * thread-safe: one owner drives it.
 */
public final class PpoAllocator implements AllocationPolicy {
  static final String KIND = "ppo";
  private static final double NORMALISATION_EPSILON = 1e-8;
  /**
   * One thread of its own and no GPU: the networks are tiny (thread hand-offs cost more than they
   * save, and the pre-training run keeps the other cores busy) and op order stays fixed.
   */
  private static final ConfigProto SESSION_CONFIG = ConfigProto.newBuilder()
      .setIntraOpParallelismThreads(1)
      .setInterOpParallelismThreads(1)
      .setUsePerSessionThreads(true)
      .putDeviceCount("GPU", 0)
      .build();

  private final int blocks;
  private final PpoConfig config;
  private final Graph graph;
  private final Session session;

  /** The actor, the critic, the loss and the two Adam steps: every op this allocator runs. */
  private final PpoGraph net;

  /** Every VariableV2 of the graph (weights, Adam's m and v slots, beta powers), by op name. */
  private final HostVariables variables;

  private Rng rng;
  private PendingDecision pending;
  private final List<Transition> buffer = new ArrayList<>();
  private int updates;
  private float[] lastEpochLosses = new float[0];

  private PpoAllocator(int blocks, PpoConfig config, long seed) {
    Checks.blocks(blocks);
    this.blocks = blocks;
    this.config = config;
    this.rng = new Rng(seed);
    this.graph = new Graph();
    try {
      net = PpoGraph.build(graph, blocks, config, rng);
      // Registered last, so that save/restore miss nothing (the optimisers' slots included).
      variables = HostVariables.ofEveryVariable(graph, Ops.create(graph), "PPO variable");
      session = new Session(graph, SESSION_CONFIG);
      session.initialize();
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** A PPO allocator for {@code blocks} blocks (states of length 3L), weights drawn from {@code seed}. */
  public static PpoAllocator create(int blocks, PpoConfig config, long seed) {
    return new PpoAllocator(blocks, config, seed);
  }

  /** With [PRO-VPT]'s settings ({@link PpoConfig#defaults()}). */
  public static PpoAllocator create(int blocks, long seed) {
    return create(blocks, PpoConfig.defaults(), seed);
  }

  // ---------------------------------------------------------------- acting

  @Override
  public int blocks() {
    return blocks;
  }

  @Override
  public Decision decide(float[] state, int sourceBlock) {
    Checks.decision(state, sourceBlock, blocks, pending);
    try (TFloat32 input = Tensors.floats(state, 1, net.stateSize());
         Result r = session.runner().feed(net.states(), input)
             .fetch(net.probabilities()).fetch(net.logProbabilities()).fetch(net.values()).run()) {
      float[] p = Tensors.toFloats(r.get(0));
      float[] logP = Tensors.toFloats(r.get(1));
      float value = Tensors.toFloats(r.get(2))[0];
      int block = sample(p, rng.nextDouble());
      pending = new PendingDecision(state, block, logP[block], value);
      return new Decision(block, toDoubles(p));
    }
  }

  /**
   * Categorical draw by inverse CDF at {@code u} in [0, 1) (PyTorch's Categorical.sample is a
   * multinomial draw too). When the float probabilities sum to less than {@code u}, the last block
   * with a non-zero probability: never one the policy cannot choose.
   */
  static int sample(float[] p, double u) {
    double cumulative = 0;
    int lastPossible = 0;
    for (int i = 0; i < p.length; i++) {
      cumulative += p[i];
      if (p[i] > 0) {
        lastPossible = i;
      }
      if (u < cumulative) {
        return i;
      }
    }
    return lastPossible; // the float probabilities summed to a little under u
  }

  @Override
  public double[] probabilities(float[] state) {
    Checks.state(state, blocks);
    try (TFloat32 input = Tensors.floats(state, 1, net.stateSize());
         Result r = session.runner().feed(net.states(), input).fetch(net.probabilities()).run()) {
      return toDoubles(Tensors.toFloats(r.get(0)));
    }
  }

  // ---------------------------------------------------------------- learning

  @Override
  public OptionalDouble reward(double reward, boolean success) {
    if (pending == null) {
      throw new IllegalStateException("reward " + reward + " has no pending decision: call decide() first");
    }
    Checks.reward(reward);
    buffer.add(new Transition(pending, reward));
    pending = null;
    if (buffer.size() < config.updateEvery()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(update());
  }

  /** K full-batch Adam steps on the buffer; returns the loss averaged over the K epochs (each before its step). */
  private double update() {
    int n = buffer.size();
    double[] rewards = new double[n];
    for (int i = 0; i < n; i++) {
      rewards[i] = buffer.get(i).reward();
    }
    double[] normalised = normalisedReturns(rewards, config.gamma());
    float[] stateBatch = new float[n * net.stateSize()];
    int[] actionBatch = new int[n];
    float[] oldLogP = new float[n];
    float[] returnBatch = new float[n];
    float[] advantageBatch = new float[n];
    for (int i = 0; i < n; i++) {
      PendingDecision d = buffer.get(i).decision();
      System.arraycopy(d.state(), 0, stateBatch, i * net.stateSize(), net.stateSize());
      actionBatch[i] = d.block();
      oldLogP[i] = d.logProbability();
      returnBatch[i] = (float) normalised[i];
      advantageBatch[i] = returnBatch[i] - d.stateValue(); // [PRO-VPT-code]'s rewards − old_state_values
    }
    float[] losses = new float[config.epochs()];
    try (TFloat32 s = Tensors.floats(stateBatch, n, net.stateSize());
         TInt32 a = Tensors.ints(actionBatch, n);
         TFloat32 old = Tensors.floats(oldLogP, n);
         TFloat32 ret = Tensors.floats(returnBatch, n);
         TFloat32 adv = Tensors.floats(advantageBatch, n)) {
      for (int epoch = 0; epoch < losses.length; epoch++) {
        try (Result r = session.runner()
            .feed(net.states(), s).feed(net.actions(), a).feed(net.oldLogProbabilities(), old)
            .feed(net.returns(), ret).feed(net.advantages(), adv)
            .fetch(net.loss()).addTarget(net.actorStep()).addTarget(net.criticStep()).run()) {
          losses[epoch] = Tensors.toFloat(r.get(0));
        }
        if (!Float.isFinite(losses[epoch])) {
          throw new IllegalStateException("PPO loss is " + losses[epoch] + " at epoch " + epoch + " of update "
              + (updates + 1) + ": the networks have diverged");
        }
      }
    }
    buffer.clear();
    updates++;
    lastEpochLosses = losses;
    double sum = 0;
    for (float l : losses) {
      sum += l;
    }
    return sum / losses.length;
  }

  /**
   * Discounted Monte-Carlo returns of one episode, then {@code (R − mean) / (std + 1e-8)} with the
   * unbiased std, as {@code torch.std} computes it in the reference (PRO-VPT uses 1e-8 here).
   */
  static double[] normalisedReturns(double[] rewards, double gamma) {
    int n = rewards.length;
    double[] r = new double[n];
    double running = 0;
    for (int i = n - 1; i >= 0; i--) {
      running = rewards[i] + gamma * running;
      r[i] = running;
    }
    return ZScores.of(r, NORMALISATION_EPSILON);
  }

  /** The loss of each of the K epochs of the latest update, measured before that epoch's step. */
  float[] lastEpochLosses() {
    return lastEpochLosses.clone();
  }

  @Override
  public int updates() {
    return updates;
  }

  // ---------------------------------------------------------------- state

  @Override
  public PolicyState save() {
    Map<String, float[]> tensors = new TreeMap<>(variables.readAll(session));
    return new PolicyState(KIND, blocks, tensors, Map.of(), buffer, pending, updates, rng.state());
  }

  @Override
  public void restore(PolicyState state) {
    state.requireCompatible(KIND, blocks);
    Map<String, float[]> tensors = state.tensors();
    Set<String> expected = new TreeSet<>(variables.names());
    if (!tensors.keySet().equals(expected)) {
      throw new IllegalArgumentException("PPO state holds variables " + tensors.keySet() + ", expected " + expected);
    }
    if (state.transitions().size() >= config.updateEvery()) {
      throw new IllegalArgumentException("PPO state holds " + state.transitions().size()
          + " rewarded transitions, expected fewer than updateEvery = " + config.updateEvery());
    }
    for (Transition t : state.transitions()) {
      checkDecision(t.decision());
    }
    if (state.pending() != null) {
      checkDecision(state.pending());
    }
    variables.writeAll(session, tensors);
    buffer.clear();
    buffer.addAll(state.transitions());
    pending = state.pending();
    updates = state.updates();
    rng = new Rng(state.rngState());
  }

  private void checkDecision(PendingDecision decision) {
    Checks.state(decision.state(), blocks);
    Checks.block("saved decision's block", decision.block(), blocks);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }

  private static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
