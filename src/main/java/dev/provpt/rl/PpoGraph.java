package dev.provpt.rl;

import dev.provpt.tf.HostVariables;
import dev.provpt.tf.OrderedAdam;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.framework.optimizers.Optimizer.GradAndVar;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * {@link PpoAllocator}'s networks and loss as graph ops: the actor and critic MLPs on the state
 * placeholder, [PRO-VPT-code]'s loss on the batch placeholders, and one Adam step per network.
 * Weights are drawn from the allocator's {@link Rng} in the order the ops are built.
 */
final class PpoGraph {
  private final int blocks;
  private final int stateSize;
  private final PpoConfig config;
  private final Rng rng;

  private final Placeholder<TFloat32> states;
  private final Operand<TFloat32> probabilities;
  private final Operand<TFloat32> logProbabilities;
  private final Operand<TFloat32> values;
  private final Placeholder<TInt32> actions;
  private final Placeholder<TFloat32> oldLogProbabilities;
  private final Placeholder<TFloat32> returns;
  private final Placeholder<TFloat32> advantages;
  private final Operand<TFloat32> loss;
  private final Op actorStep;
  private final Op criticStep;

  private PpoGraph(Graph graph, int blocks, PpoConfig config, Rng rng) {
    this.blocks = blocks;
    this.stateSize = 3 * blocks;
    this.config = config;
    this.rng = rng;
    Ops tf = Ops.create(graph);
    states = tf.withName("states").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, stateSize)));

    List<Variable<TFloat32>> actorParameters = new ArrayList<>();
    Operand<TFloat32> logits = mlp(tf, "actor", blocks, actorParameters);
    probabilities = tf.withName("probabilities").nn.softmax(logits);
    logProbabilities = tf.withName("log_probabilities").nn.logSoftmax(logits);
    List<Variable<TFloat32>> criticParameters = new ArrayList<>();
    values = tf.withName("values").reshape(mlp(tf, "critic", 1, criticParameters), tf.constant(new int[] {-1}));

    actions = tf.withName("actions").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    oldLogProbabilities = tf.withName("old_log_probabilities").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    returns = tf.withName("returns").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    advantages = tf.withName("advantages").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    loss = ppoLoss(tf);

    List<Operand<?>> wrt = new ArrayList<>(actorParameters);
    wrt.addAll(criticParameters);
    var gradients = tf.gradients(loss, wrt);
    actorStep = adamStep(new OrderedAdam(graph, "actor.adam", config.actorLearningRate()), actorParameters, gradients, 0,
        "actor_step");
    criticStep = adamStep(new OrderedAdam(graph, "critic.adam", config.criticLearningRate()), criticParameters, gradients,
        actorParameters.size(), "critic_step");
  }

  /** Builds the ops in {@code graph} for {@code blocks} blocks (states of length 3L). */
  static PpoGraph build(Graph graph, int blocks, PpoConfig config, Rng rng) {
    return new PpoGraph(graph, blocks, config, rng);
  }

  /** The length of a state, 3L. */
  int stateSize() {
    return stateSize;
  }

  Placeholder<TFloat32> states() {
    return states;
  }

  Operand<TFloat32> probabilities() {
    return probabilities;
  }

  Operand<TFloat32> logProbabilities() {
    return logProbabilities;
  }

  Operand<TFloat32> values() {
    return values;
  }

  Placeholder<TInt32> actions() {
    return actions;
  }

  Placeholder<TFloat32> oldLogProbabilities() {
    return oldLogProbabilities;
  }

  Placeholder<TFloat32> returns() {
    return returns;
  }

  Placeholder<TFloat32> advantages() {
    return advantages;
  }

  Operand<TFloat32> loss() {
    return loss;
  }

  Op actorStep() {
    return actorStep;
  }

  Op criticStep() {
    return criticStep;
  }

  /** Linear → tanh → Linear → tanh → Linear, PyTorch's default init: U(±1/√fan_in) for weight and bias. */
  private Operand<TFloat32> mlp(Ops tf, String prefix, int outputs, List<Variable<TFloat32>> parameters) {
    int[] widths = {stateSize, config.hidden(), config.hidden(), outputs};
    Operand<TFloat32> h = states;
    for (int layer = 0; layer < 3; layer++) {
      String name = prefix + "." + 2 * layer; // the index of the Linear inside [PRO-VPT-code]'s nn.Sequential
      int in = widths[layer];
      int out = widths[layer + 1];
      double bound = 1.0 / Math.sqrt(in);
      Variable<TFloat32> weight = parameter(tf, name + ".weight", new long[] {out, in}, bound);
      Variable<TFloat32> bias = parameter(tf, name + ".bias", new long[] {out}, bound);
      parameters.add(weight);
      parameters.add(bias);
      h = tf.math.add(tf.linalg.matMul(h, weight, MatMul.transposeB(true)), bias);
      if (layer < 2) {
        h = tf.math.tanh(h);
      }
    }
    return h;
  }

  private Variable<TFloat32> parameter(Ops tf, String name, long[] shape, double bound) {
    int size = Math.toIntExact(Shape.of(shape).size());
    float[] init = new float[size];
    for (int i = 0; i < size; i++) {
      init[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
    return HostVariables.initialised(tf, name, shape, init);
  }

  /** [PRO-VPT-code]'s loss, averaged over the batch (its 0.5·MSE is the mean of 0.5·(V − R)²). */
  private Operand<TFloat32> ppoLoss(Ops tf) {
    Operand<TFloat32> chosen = tf.oneHot(actions, tf.constant(blocks), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> logProbability = tf.sum(tf.math.mul(logProbabilities, chosen), tf.constant(1));
    Operand<TFloat32> ratio = tf.math.exp(tf.math.sub(logProbability, oldLogProbabilities));
    // minimum/maximum rather than clipByValue: both have gradients in the C++ registry.
    Operand<TFloat32> clipped = tf.math.minimum(
        tf.math.maximum(ratio, tf.constant((float) (1 - config.clip()))), tf.constant((float) (1 + config.clip())));
    Operand<TFloat32> surrogate = tf.math.minimum(tf.math.mul(ratio, advantages), tf.math.mul(clipped, advantages));
    Operand<TFloat32> valueError = tf.math.square(tf.math.sub(values, returns));
    Operand<TFloat32> entropy = tf.math.neg(tf.sum(tf.math.mul(probabilities, logProbabilities), tf.constant(1)));
    Operand<TFloat32> perSample = tf.math.sub(
        tf.math.add(tf.math.neg(surrogate), tf.math.mul(tf.constant((float) config.valueCoefficient()), valueError)),
        tf.math.mul(tf.constant((float) config.entropyCoefficient()), entropy));
    return tf.withName("loss").math.mean(perSample, tf.constant(0));
  }

  private static Op adamStep(Optimizer adam, List<Variable<TFloat32>> parameters,
      org.tensorflow.op.core.Gradients gradients, int first, String name) {
    List<GradAndVar<? extends TType>> pairs = new ArrayList<>();
    for (int i = 0; i < parameters.size(); i++) {
      Output<TFloat32> gradient = gradients.dy(first + i);
      pairs.add(new GradAndVar<>(gradient, parameters.get(i).asOutput()));
    }
    return adam.applyGradients(pairs, name);
  }
}
