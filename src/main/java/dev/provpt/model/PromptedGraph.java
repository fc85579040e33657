package dev.provpt.model;

import dev.provpt.tf.HostVariables;
import java.util.ArrayList;
import java.util.Arrays;
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
 * untrained variables), a trainable prompt pool {@code [P, D]} behind a gate held at 1, a linear
 * head, the loss, its gradients, the per-prompt signals and one clipped SGD-momentum step.
 *
 * <p>One graph serves every run of its shape: the optimiser's settings are fed with each step and a run's
 * starting state ({@link #initialState}: the pool's and the head's values, drawn from one random stream in that
 * order) is written into the variables, not built into the graph. The ops are created in a fixed order.
 */
final class PromptedGraph implements AutoCloseable {
  /**
   * Per-prompt quantities, each {@code [P]}, that the runner fetches with every train and score
   * step; built in {@link #promptSignals}. A new one (the gradient of another gate held at a
   * neutral value, say) is a component here, built there from the gradients of {@link #probes}.
   * The update waits for all of them, so they see the prompts before the step changes them.
   *
   * @param scores gradient·value of each prompt's row: [PRO-VPT] Eq. 6's (input-gate) idleness score
   * @param gateGradient d loss / d gate on the raw prompt: the same quantity by another route
   * @param contentGateGradient d loss / d gate on the prompt's normalised token (scaled input gate)
   * @param attentionGateGradient d loss / d log a_j, a gate on the prompt's attention key (attention gate)
   */
  record PromptSignals(Operand<TFloat32> scores, Operand<TFloat32> gateGradient,
      Operand<TFloat32> contentGateGradient, Operand<TFloat32> attentionGateGradient) {}

  private final VitConfig config;
  /** The backbone the graph holds (by identity: a pooled model serves runs on this very backbone). */
  private final VitWeights weights;
  private final PromptMode mode;
  private final int promptCount;
  private final int numClasses;
  private final Graph graph = new Graph();
  private final FrozenWeights frozen;
  /** Trainable variables and their momentum slots, by the names checkpoints store them under. */
  private final HostVariables state;

  private final Placeholder<TFloat32> images;
  private final Placeholder<TInt32> labels;
  private final Operand<TInt32> blockOfPrompt;
  private final Operand<TFloat32> dropoutRate;
  private final Operand<TInt64> dropoutSeed;
  private final Operand<TFloat32> gate;
  private final Operand<TFloat32> contentGate;
  private final Operand<TFloat32> keyLogGate;

  private final Operand<TFloat32> features;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> loss;
  private final Operand<TInt32> correct;
  private final List<Operand<TFloat32>> gradients = new ArrayList<>();
  private final PromptSignals promptSignals;
  private final Op trainStep;
  /** The optimiser's settings, fed with every training step: scalars. */
  private final Placeholder<TFloat32> learningRate;
  private final Placeholder<TFloat32> momentum;
  private final Placeholder<TFloat32> weightDecay;
  private final Placeholder<TFloat32> clipNorm;

  PromptedGraph(VitConfig config, VitWeights weights, int numClasses, int promptCount, PromptMode mode,
      Precision precision) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("a classification task needs at least 2 classes, got " + numClasses);
    }
    if (mode != PromptMode.NONE && promptCount < 1) {
      throw new IllegalArgumentException("prompted tuning needs at least one prompt, got " + promptCount);
    }
    this.config = config;
    this.weights = weights;
    this.mode = mode;
    this.promptCount = mode == PromptMode.NONE ? 0 : promptCount;
    this.numClasses = numClasses;
    try {
      Ops tf = Ops.create(graph);
      state = new HostVariables(tf, "state variable");

      // The frozen backbone: variables filled once, never trained (see FrozenWeights for why not constants).
      frozen = new FrozenWeights(tf.withSubScope("backbone"));
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
      VisionTransformer vit = new VisionTransformer(tf, config, frozen.variables(), frozen.bf16Variables());

      images = tf.withName("images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, config.imageSize(), config.imageSize(), config.channels())));
      labels = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      learningRate = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      momentum = tf.withName("momentum").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      weightDecay = tf.withName("weight_decay").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      clipNorm = tf.withName("clip_norm").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      int d = config.width();

      Variable<TFloat32> pool = null;
      VisionTransformer.PromptInputs promptInputs = null;
      if (this.promptCount > 0) {
        pool = state.declare(PromptedModel.POOL, this.promptCount, d);
        blockOfPrompt = tf.withName("prompt_block").placeholder(TInt32.class,
            Placeholder.shape(Shape.of(this.promptCount)));
        dropoutRate = tf.withName("dropout_rate").placeholderWithDefault(tf.constant(0f), Shape.scalar());
        dropoutSeed = tf.withName("dropout_seed").placeholderWithDefault(tf.constant(new long[] {0, 0}), Shape.of(2));
        float[] ones = new float[this.promptCount];
        Arrays.fill(ones, 1f);
        // A multiplicative gate held at 1: d loss / d gate is [PRO-VPT-code]'s idleness score.
        gate = tf.withName("prompt_gate").placeholderWithDefault(tf.constant(ones), Shape.of(this.promptCount));
        Operand<TFloat32> gated = tf.math.mul(pool, tf.expandDims(gate, tf.constant(1)));
        boolean deep = mode == PromptMode.DEEP;
        // Gates on what a VPT-Deep prompt does after its LayerNorm: held at 1 and at log 1 = 0.
        contentGate = deep ? tf.withName("prompt_content_gate").placeholderWithDefault(tf.constant(ones),
            Shape.of(this.promptCount)) : null;
        keyLogGate = deep ? tf.withName("prompt_key_log_gate").placeholderWithDefault(
            tf.constant(new float[this.promptCount]), Shape.of(this.promptCount)) : null;
        promptInputs = new VisionTransformer.PromptInputs(gated, blockOfPrompt, dropoutRate, dropoutSeed,
            !deep, contentGate, keyLogGate);
      } else {
        blockOfPrompt = null;
        dropoutRate = null;
        dropoutSeed = null;
        gate = null;
        contentGate = null;
        keyLogGate = null;
      }
      Variable<TFloat32> kernel = state.declare(PromptedModel.HEAD_KERNEL, d, numClasses);
      Variable<TFloat32> bias = state.declare(PromptedModel.HEAD_BIAS, numClasses);

      features = tf.withName("features").identity(vit.features(images, promptInputs));
      logits = tf.withName("logits").identity(vit.linear(features, kernel, bias));
      // The dense form: the C++ gradient registry has no gradient for the sparse one.
      Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(numClasses), tf.constant(1f), tf.constant(0f));
      loss = tf.withName("loss").math.mean(
          tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
      correct = tf.withName("correct").sum(tf.dtypes.cast(
          tf.math.equal(tf.math.argMax(logits, tf.constant(1), TInt32.class), labels), TInt32.class), tf.constant(0));

      List<Variable<TFloat32>> trainable = new ArrayList<>();
      if (pool != null) {
        trainable.add(pool);
      }
      trainable.add(kernel);
      trainable.add(bias);
      // One gradient call: the trainable variables first (the update uses them), then the probes.
      List<Operand<?>> wrt = new ArrayList<>(trainable);
      wrt.addAll(probes());
      Gradients grads = tf.gradients(loss, wrt);
      for (int i = 0; i < trainable.size(); i++) {
        gradients.add(grads.dy(i));
      }
      promptSignals = pool != null ? promptSignals(tf, pool, grads, trainable.size()) : null;
      trainStep = update(tf, trainable, promptSignals);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  // ---------------------------------------------------------------- per-prompt signals

  /**
   * Inputs held at a neutral value whose gradient is a per-prompt signal; their gradients follow
   * the trainable variables' in the one gradient call. Empty without prompts.
   */
  private List<Operand<?>> probes() {
    List<Operand<?>> probes = new ArrayList<>();
    if (gate != null) {
      probes.add(gate);
    }
    if (contentGate != null) {
      probes.add(contentGate);
      probes.add(keyLogGate);
    }
    return probes;
  }

  /** Builds {@link PromptSignals}; {@code firstProbe} is the index of {@link #probes}' first gradient. */
  private PromptSignals promptSignals(Ops tf, Variable<TFloat32> pool, Gradients grads, int firstProbe) {
    Operand<TFloat32> poolGradient = gradients.get(0); // the pool is the first trainable variable
    Operand<TFloat32> gateGradient = tf.withName("gate_gradient").identity(grads.<TFloat32>dy(firstProbe));
    // Shallow prompts are carried through every block: the post-LayerNorm gates do not apply (zeros).
    Operand<TFloat32> zeros = tf.zerosLike(gateGradient);
    return new PromptSignals(
        tf.withName("prompt_scores").sum(tf.math.mul(poolGradient, pool), tf.constant(1)),
        gateGradient,
        tf.withName("content_gate_gradient").identity(contentGate != null ? grads.<TFloat32>dy(firstProbe + 1) : zeros),
        tf.withName("attention_gate_gradient").identity(keyLogGate != null ? grads.<TFloat32>dy(firstProbe + 2) : zeros));
  }

  // ---------------------------------------------------------------- the update

  /**
   * Global-norm clipping, then weight decay (not on the bias, the last trainable), then SGD with momentum; the
   * momentum slots join the state as {@code <variable>.momentum}. The settings are inputs ({@link #learningRate}
   * and the rest), fed with every step, so that one graph serves runs with other settings.
   */
  private Op update(Ops tf, List<Variable<TFloat32>> trainable, PromptSignals signals) {
    // The signals read the pool variable, which the step changes in place: nothing ordered the two
    // before, so a step's scores could come from the updated prompts. Every gradient the optimiser
    // reads now waits for them.
    Ops ordered = signals == null ? tf : tf.withControlDependencies(List.of(signals.scores(), signals.gateGradient(),
        signals.contentGateGradient(), signals.attentionGateGradient()));
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
    if (promptCount > 0) {
      double bound = Math.sqrt(6.0 / (config.patchSize() * config.patchSize() * config.channels() + d));
      initial.put(PromptedModel.POOL, uniform(random, promptCount * d, bound));
    }
    initial.put(PromptedModel.HEAD_KERNEL, truncatedNormal(random, d * numClasses, 0.02));
    initial.put(PromptedModel.HEAD_BIAS, new float[numClasses]);
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

  /** Null without prompts. */
  PromptSignals promptSignals() {
    return promptSignals;
  }

  /** The attention gate's input, {@code log a_j} per prompt (0 when not fed); null unless VPT-Deep. */
  Operand<TFloat32> keyLogGate() {
    return keyLogGate;
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

  PromptMode mode() {
    return mode;
  }

  int promptCount() {
    return promptCount;
  }

  int numClasses() {
    return numClasses;
  }

  @Override
  public void close() {
    graph.close();
  }
}
