package dev.provpt.model;

import dev.provpt.tf.HostVariables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.framework.optimizers.Momentum;
import org.tensorflow.framework.optimizers.Optimizer.GradAndVar;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * The tuning graph, built once and run by {@link PromptedModel}: a frozen backbone (weights in
 * untrained variables), a trainable prompt pool {@code [P, D]} behind a gate held at 1, a linear
 * head, the loss, its gradients, the per-prompt signals and one clipped SGD-momentum step.
 *
 * <p>Construction order is part of the behaviour: the pool's and the head's initial values are
 * drawn from one random stream in that order, and the ops are created in a fixed order.
 */
final class PromptedGraph implements AutoCloseable {
  /**
   * Per-prompt quantities, each {@code [P]}, that the runner fetches with every train and score
   * step; built in {@link #promptSignals}. A new one (the gradient of another gate held at a
   * neutral value, say) is a component here, built there from the gradients of {@link #probes}.
   * The update waits for all of them, so they see the prompts before the step changes them.
   *
   * @param scores gradient·value of each prompt's row: the paper's (input-gate) idleness score
   * @param gateGradient d loss / d gate on the raw prompt: the same quantity by another route
   * @param contentGateGradient d loss / d gate on the prompt's normalised token (scaled input gate)
   * @param attentionGateGradient d loss / d log a_j, a gate on the prompt's attention key (attention gate)
   */
  record PromptSignals(Operand<TFloat32> scores, Operand<TFloat32> gateGradient,
      Operand<TFloat32> contentGateGradient, Operand<TFloat32> attentionGateGradient) {}

  private final VitConfig config;
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

  PromptedGraph(VitConfig config, VitWeights weights, int numClasses, int promptCount, PromptMode mode,
      PromptedModel.Hyper hyper, long seed) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("a classification task needs at least 2 classes, got " + numClasses);
    }
    if (mode != PromptMode.NONE && promptCount < 1) {
      throw new IllegalArgumentException("prompted tuning needs at least one prompt, got " + promptCount);
    }
    this.config = config;
    this.mode = mode;
    this.promptCount = mode == PromptMode.NONE ? 0 : promptCount;
    this.numClasses = numClasses;
    try {
      Ops tf = Ops.create(graph);
      state = new HostVariables(tf, "state variable");
      SplittableRandom random = new SplittableRandom(seed);

      // The frozen backbone: variables filled once, never trained (see FrozenWeights for why not constants).
      frozen = new FrozenWeights(tf.withSubScope("backbone"));
      // bf16: the blocks' dense weights are held (once) in bfloat16, everything else in fp32
      boolean bf16 = hyper.precision() == Precision.BF16;
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
      int d = config.width();

      Variable<TFloat32> pool = null;
      VisionTransformer.PromptInputs promptInputs = null;
      if (this.promptCount > 0) {
        // VPT's initialisation: uniform(-v, v), v = sqrt(6 / (patch_area * channels + D)).
        double bound = Math.sqrt(6.0 / (config.patchSize() * config.patchSize() * config.channels() + d));
        pool = state.create(PromptedModel.POOL, new long[] {this.promptCount, d},
            uniform(random, this.promptCount * d, bound));
        blockOfPrompt = tf.withName("prompt_block").placeholder(TInt32.class,
            Placeholder.shape(Shape.of(this.promptCount)));
        dropoutRate = tf.withName("dropout_rate").placeholderWithDefault(tf.constant(0f), Shape.scalar());
        dropoutSeed = tf.withName("dropout_seed").placeholderWithDefault(tf.constant(new long[] {0, 0}), Shape.of(2));
        float[] ones = new float[this.promptCount];
        Arrays.fill(ones, 1f);
        // A multiplicative gate held at 1: d loss / d gate is the reference's idleness score.
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
      Variable<TFloat32> kernel = state.create(PromptedModel.HEAD_KERNEL, new long[] {d, numClasses},
          truncatedNormal(random, d * numClasses, 0.02));
      Variable<TFloat32> bias = state.create(PromptedModel.HEAD_BIAS, new long[] {numClasses}, new float[numClasses]);

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
      trainStep = update(tf, trainable, hyper, promptSignals);
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
   * Global-norm clipping, then weight decay (not on the bias, the last trainable), then the
   * framework's Momentum; its slots join the state as {@code <variable>.momentum}.
   */
  private Op update(Ops tf, List<Variable<TFloat32>> trainable, PromptedModel.Hyper hyper, PromptSignals signals) {
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
    Operand<TFloat32> clip = tf.constant(hyper.clipNorm());
    Operand<TFloat32> norm = tf.math.sqrt(squares);
    Operand<TFloat32> factor = hyper.clipNorm() > 0
        ? tf.math.div(clip, tf.math.maximum(norm, clip)) : tf.constant(1f);
    Momentum optimizer = new Momentum(graph, hyper.learningRate(), hyper.momentum(), false);
    List<GradAndVar<? extends TType>> pairs = new ArrayList<>();
    for (int i = 0; i < trainable.size(); i++) {
      Variable<TFloat32> v = trainable.get(i);
      Operand<TFloat32> g = tf.math.mul(ordered.identity(gradients.get(i)), factor);
      if (hyper.weightDecay() > 0 && !v.equals(trainable.get(trainable.size() - 1))) {
        g = tf.math.add(g, tf.math.mul(tf.constant(hyper.weightDecay()), v));
      }
      pairs.add(new GradAndVar<>(g.asOutput(), v.asOutput()));
    }
    Op step = optimizer.applyGradients(pairs, "train_step");
    for (Variable<TFloat32> v : trainable) {
      state.register(v.asOutput().op().name() + ".momentum",
          optimizer.getSlot(v.asOutput(), Momentum.MOMENTUM).orElseThrow());
    }
    return step;
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

  /** Applies one clipped SGD-momentum step to the trainable variables. */
  Op trainStep() {
    return trainStep;
  }

  VitConfig config() {
    return config;
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
