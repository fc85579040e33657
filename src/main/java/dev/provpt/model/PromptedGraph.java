package dev.provpt.model;

import dev.provpt.idleness.Estimator;
import dev.provpt.method.HeadInput;
import dev.provpt.method.PromptMode;
import dev.provpt.tf.HostVariables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The tuning graph, built once and run by {@link PromptedModel}: a frozen backbone (weights in
 * untrained variables; none when the head reads the pixels), a trainable prompt pool {@code [P, D]}, a linear
 * head, the loss, its gradients, the idleness signals of the estimators the graph is built for, and one clipped
 * SGD-momentum step.
 *
 * <p>One graph serves every run of its shape: the optimiser's settings are fed with each step and a run's
 * starting state ({@link #initialState}: the pool's and the head's values, drawn from one random stream in that
 * order) is written into the variables, not built into the graph. The ops are created in a fixed order.
 *
 * <p>Only the gates of the {@link ModelShape#estimators} are built, and only their signals are fetched: a graph
 * for a method that never relocates has no gate at all.
 */
final class PromptedGraph implements AutoCloseable {
  private final VitConfig config;
  /** The backbone the graph holds (by identity: a pooled model serves runs on this very backbone). */
  private final VitWeights weights;
  private final ModelShape shape;
  private final Graph graph = new Graph();
  private final FrozenWeights frozen;
  /** Trainable variables and their momentum slots, by the names checkpoints store them under. */
  private final HostVariables state;

  private final Placeholder<TFloat32> images;
  private final Placeholder<TInt32> labels;
  private final Operand<TInt32> blockOfPrompt;
  private final Operand<TFloat32> dropoutRate;
  private final Operand<TInt64> dropoutSeed;
  /** Gates held at a neutral value, each built only when an estimator needs it (null otherwise). */
  private final Gates gates;

  private final Operand<TFloat32> features;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> loss;
  private final Operand<TInt32> correct;
  private final List<Operand<TFloat32>> gradients = new ArrayList<>();
  /** Each per-step estimator's idleness signal, {@code [P]}; every training step waits for them. */
  private final Map<Estimator, Operand<TFloat32>> signals = new EnumMap<>(Estimator.class);
  /** d loss / d gate on the raw prompt: the input gate's score by another route; null unless it is measured. */
  private Operand<TFloat32> rawGateGradient;
  private final Op trainStep;
  /** The optimiser's settings, fed with every training step: scalars. */
  private final Placeholder<TFloat32> learningRate;
  private final Placeholder<TFloat32> momentum;
  private final Placeholder<TFloat32> weightDecay;
  private final Placeholder<TFloat32> clipNorm;

  /**
   * Per-prompt inputs held at a neutral value whose gradients are idleness signals.
   *
   * @param raw a factor on the raw prompt, held at 1 (the input gate's own definition)
   * @param token a factor on the prompt's normalised token in its block's first LayerNorm, held at 1
   * @param keyLog log a_j on the prompt's attention key, held at 0; -inf removes the prompt exactly
   */
  private record Gates(Operand<TFloat32> raw, Operand<TFloat32> token, Operand<TFloat32> keyLog) {}

  PromptedGraph(VitConfig config, VitWeights weights, ModelShape shape, Precision precision) {
    this.config = config;
    this.weights = weights;
    this.shape = shape;
    try {
      Ops tf = Ops.create(graph);
      state = new HostVariables(tf, "state variable");

      // The frozen backbone: variables filled once, never trained (see FrozenWeights for why not constants).
      frozen = new FrozenWeights(tf.withSubScope("backbone"));
      if (shape.headInput().runsBackbone()) {
        addBackbone(precision);
      }
      VisionTransformer vit = new VisionTransformer(tf, config, frozen.variables(), frozen.bf16Variables());

      images = tf.withName("images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, config.imageSize(), config.imageSize(), config.channels())));
      labels = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      learningRate = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      momentum = tf.withName("momentum").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      weightDecay = tf.withName("weight_decay").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      clipNorm = tf.withName("clip_norm").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      int p = shape.promptCount();

      Variable<TFloat32> pool = null;
      VisionTransformer.PromptInputs promptInputs = null;
      if (p > 0) {
        pool = state.declare(PromptedModel.POOL, p, config.width());
        blockOfPrompt = tf.withName("prompt_block").placeholder(TInt32.class, Placeholder.shape(Shape.of(p)));
        dropoutRate = tf.withName("dropout_rate").placeholderWithDefault(tf.constant(0f), Shape.scalar());
        dropoutSeed = tf.withName("dropout_seed").placeholderWithDefault(tf.constant(new long[] {0, 0}), Shape.of(2));
        gates = gates(tf, p);
        Operand<TFloat32> prompts = gates.raw() == null ? pool : tf.math.mul(pool, tf.expandDims(gates.raw(),
            tf.constant(1)));
        promptInputs = new VisionTransformer.PromptInputs(prompts, blockOfPrompt, dropoutRate, dropoutSeed,
            shape.mode() == PromptMode.SHALLOW, gates.token(), gates.keyLog());
      } else {
        blockOfPrompt = null;
        dropoutRate = null;
        dropoutSeed = null;
        gates = new Gates(null, null, null);
      }
      Variable<TFloat32> kernel = state.declare(PromptedModel.HEAD_KERNEL, featureWidth(), shape.numClasses());
      Variable<TFloat32> bias = state.declare(PromptedModel.HEAD_BIAS, shape.numClasses());

      features = tf.withName("features").identity(headInput(tf, vit, config, shape.headInput(), images, promptInputs));
      logits = tf.withName("logits").identity(vit.linear(features, kernel, bias));
      loss = meanCrossEntropy(tf, logits, labels, shape.numClasses());
      correct = correctCount(tf, logits, labels);

      List<Variable<TFloat32>> trainable = trainable(pool, kernel, bias);
      Map<Operand<TFloat32>, Operand<TFloat32>> gateGradients = differentiate(tf, trainable);
      if (pool != null) {
        buildSignals(tf, pool, gateGradients);
      }
      trainStep = update(tf, trainable);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** The batch's mean softmax cross-entropy, named "loss". */
  private static Operand<TFloat32> meanCrossEntropy(Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels,
      int classes) {
    // The dense form: the C++ gradient registry has no gradient for the sparse one.
    Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
    return tf.withName("loss").math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
  }

  /** How many of the batch's argmax predictions equal their labels, named "correct". */
  private static Operand<TInt32> correctCount(Ops tf, Operand<TFloat32> logits, Operand<TInt32> labels) {
    return tf.withName("correct").sum(tf.dtypes.cast(
        tf.math.equal(tf.math.argMax(logits, tf.constant(1), TInt32.class), labels), TInt32.class), tf.constant(0));
  }

  /** The trained variables in the optimiser's order: the prompt pool (when prompted), the head's kernel and bias. */
  private static List<Variable<TFloat32>> trainable(Variable<TFloat32> pool, Variable<TFloat32> kernel,
      Variable<TFloat32> bias) {
    List<Variable<TFloat32>> trainable = new ArrayList<>();
    if (pool != null) {
      trainable.add(pool);
    }
    trainable.add(kernel);
    trainable.add(bias);
    return trainable;
  }

  /**
   * One gradient call: the trainable variables first (their gradients go to {@link #gradients}; the update uses
   * them), then the gates that exist. Returns each gate's gradient.
   */
  private Map<Operand<TFloat32>, Operand<TFloat32>> differentiate(Ops tf, List<Variable<TFloat32>> trainable) {
    List<Operand<TFloat32>> probes = java.util.stream.Stream.of(gates.raw(), gates.token(), gates.keyLog())
        .filter(java.util.Objects::nonNull).toList();
    List<Operand<?>> wrt = new ArrayList<>(trainable);
    wrt.addAll(probes);
    Gradients grads = tf.gradients(loss, wrt);
    for (int i = 0; i < trainable.size(); i++) {
      gradients.add(grads.dy(i));
    }
    Map<Operand<TFloat32>, Operand<TFloat32>> gateGradients = new java.util.HashMap<>();
    for (int i = 0; i < probes.size(); i++) {
      gateGradients.put(probes.get(i), grads.dy(trainable.size() + i));
    }
    return gateGradients;
  }

  private void addBackbone(Precision precision) {
    // bf16: the blocks' dense weights are held (once) in bfloat16, everything else in fp32
    boolean bf16 = precision == Precision.BF16;
    for (String name : VitWeights.expectedShapes(config).keySet()) {
      if (name.startsWith("upstream_head")) { // tuning trains its own head
        continue;
      }
      if (bf16 && VisionTransformer.bf16Weight(name)) {
        frozen.addBf16(weights.get(name));
      } else {
        frozen.add(weights.get(name));
      }
    }
  }

  /** How many values the head reads per image. */
  int featureWidth() {
    return featureWidth(config, shape.headInput());
  }

  static int featureWidth(VitConfig config, HeadInput input) {
    return switch (input) {
      case BACKBONE -> config.width();
      case PIXELS -> config.imageSize() * config.imageSize() * config.channels();
    };
  }

  /** What the head reads, {@code [N, featureWidth]}: the backbone's [CLS] features, or the flattened image. */
  static Operand<TFloat32> headInput(Ops tf, VisionTransformer vit, VitConfig config, HeadInput input,
      Operand<TFloat32> images, VisionTransformer.PromptInputs prompts) {
    return switch (input) {
      case BACKBONE -> vit.features(images, prompts);
      case PIXELS -> tf.reshape(images, tf.constant(new int[] {-1, featureWidth(config, input)}));
    };
  }

  // ---------------------------------------------------------------- per-prompt signals

  /** The gates the shape's estimators need, each held at its neutral value. */
  private Gates gates(Ops tf, int p) {
    boolean raw = false;
    boolean token = false;
    boolean key = false;
    for (Estimator e : shape.estimators()) {
      switch (e.signal()) {
        case PROMPT_ROW -> raw = true; // its score needs no gate; the gate's gradient checks it (tests)
        case TOKEN_GATE -> token = true;
        case KEY_GATE, REMOVAL -> key = true;
      }
    }
    float[] ones = new float[p];
    Arrays.fill(ones, 1f);
    return new Gates(
        raw ? tf.withName("prompt_gate").placeholderWithDefault(tf.constant(ones), Shape.of(p)) : null,
        token ? tf.withName("prompt_content_gate").placeholderWithDefault(tf.constant(ones), Shape.of(p)) : null,
        key ? tf.withName("prompt_key_log_gate").placeholderWithDefault(tf.constant(new float[p]), Shape.of(p)) : null);
  }

  /** The signal of every per-step estimator of the shape, named after it. */
  private void buildSignals(Ops tf, Variable<TFloat32> pool, Map<Operand<TFloat32>, Operand<TFloat32>> gateGradients) {
    if (gates.raw() != null) {
      rawGateGradient = tf.withName("gate_gradient").identity(gateGradients.get(gates.raw()));
    }
    for (Estimator e : shape.estimators()) {
      String name = e.key.replace('-', '_') + "_idleness";
      switch (e.signal()) {
        // the pool is the first trainable variable
        case PROMPT_ROW -> signals.put(e, tf.withName(name).sum(tf.math.mul(gradients.get(0), pool), tf.constant(1)));
        case TOKEN_GATE -> signals.put(e, tf.withName(name).identity(gateGradients.get(gates.token())));
        case KEY_GATE -> signals.put(e, tf.withName(name).identity(gateGradients.get(gates.keyLog())));
        case REMOVAL -> { } // forward passes with the key gate fed, no per-step signal
      }
    }
  }

  // ---------------------------------------------------------------- the update

  /**
   * Global-norm clipping, then weight decay (not on the bias, the last trainable), then SGD with momentum; the
   * momentum slots join the state as {@code <variable>.momentum}. The settings are inputs ({@link #learningRate}
   * and the rest), fed with every step, so that one graph serves runs with other settings.
   */
  private Op update(Ops tf, List<Variable<TFloat32>> trainable) {
    // The signals read the pool variable, which the step changes in place: nothing ordered the two
    // before, so a step's scores could come from the updated prompts. Every gradient the optimiser
    // reads now waits for them.
    Ops ordered = signals.isEmpty() ? tf : tf.withControlDependencies(List.copyOf(signals.values()));
    Operand<TFloat32> squares = null;
    for (Operand<TFloat32> g : gradients) {
      Operand<TFloat32> s = tf.sum(tf.math.square(g), tf.range(tf.constant(0), tf.rank(g), tf.constant(1)));
      squares = squares == null ? s : tf.math.add(squares, s);
    }
    Operand<TFloat32> norm = tf.math.sqrt(squares);
    // clip-norm > 0: scale by clip / max(norm, clip); clip-norm 0: no clipping
    Operand<TFloat32> factor = tf.select(tf.math.greater(clipNorm, tf.constant(0f)),
        tf.math.div(clipNorm, tf.math.maximum(norm, clipNorm)), tf.constant(1f));
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < trainable.size(); i++) {
      Variable<TFloat32> v = trainable.get(i);
      Operand<TFloat32> g = tf.math.mul(ordered.identity(gradients.get(i)), factor);
      if (i < trainable.size() - 1) { // weight decay 0 adds exactly 0
        g = tf.math.add(g, tf.math.mul(weightDecay, v));
      }
      String name = v.asOutput().op().name();
      Variable<TFloat32> slot = state.declare(name + ".momentum", v.shape().asArray());
      updates.add(tf.train.applyMomentum(v, slot, learningRate, g, momentum));
    }
    return tf.withControlDependencies(updates).withName("train_step").noOp();
  }

  /**
   * The trainable state a run starts from, drawn from {@code seed}: VPT's prompt initialisation uniform(-v, v),
   * v = sqrt(6 / (patch_area * channels + D)), then the head's kernel (truncated normal, std 0.02), in that order
   * from one random stream; a zero bias and zero momentum slots.
   */
  Map<String, float[]> initialState(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int d = config.width();
    Map<String, float[]> initial = new LinkedHashMap<>();
    if (shape.promptCount() > 0) {
      double bound = Math.sqrt(6.0 / (config.patchSize() * config.patchSize() * config.channels() + d));
      initial.put(PromptedModel.POOL, uniform(random, shape.promptCount() * d, bound));
    }
    initial.put(PromptedModel.HEAD_KERNEL, truncatedNormal(random, featureWidth() * shape.numClasses(), 0.02));
    initial.put(PromptedModel.HEAD_BIAS, new float[shape.numClasses()]);
    for (String name : List.copyOf(initial.keySet())) {
      initial.put(name + ".momentum", new float[initial.get(name).length]);
    }
    return initial;
  }

  private static float[] uniform(SplittableRandom random, int n, double bound) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
    }
    return v;
  }

  private static float[] truncatedNormal(SplittableRandom random, int n, double std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (VitWeights.truncatedGaussian(random) * std);
    }
    return v;
  }

  // ---------------------------------------------------------------- what the runner uses

  Graph graph() {
    return graph;
  }

  /** The backbone's weights, to be written once the session exists. */
  FrozenWeights frozen() {
    return frozen;
  }

  HostVariables state() {
    return state;
  }

  Placeholder<TFloat32> images() {
    return images;
  }

  Placeholder<TInt32> labels() {
    return labels;
  }

  /** The block of every prompt, {@code [P]}; null without prompts (as are the dropout inputs). */
  Operand<TInt32> blockOfPrompt() {
    return blockOfPrompt;
  }

  /** Prompt dropout's rate; defaults to 0 (off) when not fed. */
  Operand<TFloat32> dropoutRate() {
    return dropoutRate;
  }

  /** The stateless dropout's seed pair; defaults to {0, 0} when not fed. */
  Operand<TInt64> dropoutSeed() {
    return dropoutSeed;
  }

  /**
   * What the head reads, {@code [N, width]}: the final-LayerNorm [CLS] token. Without prompts it depends on the
   * images only, so a run may compute it once and feed it back here, which cuts the backbone out of the step.
   */
  Operand<TFloat32> features() {
    return features;
  }

  Operand<TFloat32> logits() {
    return logits;
  }

  Operand<TFloat32> loss() {
    return loss;
  }

  Operand<TInt32> correct() {
    return correct;
  }

  /** Gradients of the loss for the pool (when prompted), the head kernel and the head bias. */
  List<Operand<TFloat32>> gradients() {
    return gradients;
  }

  /** Each per-step estimator's signal, {@code [P]}, in the estimators' order; empty when none is measured. */
  Map<Estimator, Operand<TFloat32>> signals() {
    return signals;
  }

  /** d loss / d gate on the raw prompt, {@code [P]}; null unless the input gate is measured. */
  Operand<TFloat32> rawGateGradient() {
    return rawGateGradient;
  }

  /**
   * The attention gate's input, {@code log a_j} per prompt (0 when not fed); null unless the attention gate or
   * leave-one-out is measured.
   */
  Operand<TFloat32> keyLogGate() {
    return gates.keyLog();
  }

  /** Applies one clipped SGD-momentum step to the trainable variables; {@link #learningRate} and the rest fed. */
  Op trainStep() {
    return trainStep;
  }

  Placeholder<TFloat32> learningRate() {
    return learningRate;
  }

  Placeholder<TFloat32> momentum() {
    return momentum;
  }

  Placeholder<TFloat32> weightDecay() {
    return weightDecay;
  }

  Placeholder<TFloat32> clipNorm() {
    return clipNorm;
  }

  VitConfig config() {
    return config;
  }

  VitWeights weights() {
    return weights;
  }

  ModelShape shape() {
    return shape;
  }

  @Override
  public void close() {
    graph.close();
  }
}
