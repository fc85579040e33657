package dev.provpt.model;

import dev.provpt.tf.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.framework.optimizers.Momentum;
import org.tensorflow.framework.optimizers.Optimizer.GradAndVar;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The tuning graph: a frozen backbone (weights in untrained variables), a trainable prompt pool
 * {@code [P, D]}, a linear head, the loss, its gradients and one SGD-momentum step.
 *
 * <p>The block assignment of every prompt is an input of each call, so relocating a prompt is
 * a change of the caller's {@code int[]} (plus {@link #scalePrompt}); its momentum row stays
 * with it. Not thread-safe: one owner (the Tuner) drives it.
 */
public final class PromptedModel implements AutoCloseable {
  public static final String POOL = "prompt_pool";
  public static final String HEAD_KERNEL = "head.kernel";
  public static final String HEAD_BIAS = "head.bias";

  /**
   * Optimisation settings of the tuning step (DESIGN §3: fixed lr, SGD momentum, clip).
   *
   * @param threads TensorFlow's intra- and inter-op threads; 0 lets TensorFlow choose (all cores).
   *     With 1, CPU results are bit-for-bit reproducible (multi-threaded gradient accumulation is not).
   */
  public record Hyper(float learningRate, float momentum, float weightDecay, float clipNorm, float promptDropout,
      int threads) {
    public Hyper(float learningRate, float momentum, float weightDecay, float clipNorm, float promptDropout) {
      this(learningRate, momentum, weightDecay, clipNorm, promptDropout, 0);
    }
  }

  /** Loss and correct count of a batch, plus per-prompt gradient·value sums (empty without prompts). */
  public record StepResult(float loss, int correct, float[] promptScores) {}

  private final VitConfig config;
  private final PromptMode mode;
  private final int promptCount;
  private final int numClasses;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> images;
  private final Placeholder<TInt32> labels;
  private final Operand<TInt32> blockOfPrompt;
  private final Operand<TFloat32> dropoutRate;
  private final Operand<TInt64> dropoutSeed;
  private final Operand<TFloat32> gate;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> loss;
  private final Operand<TInt32> correct;
  private final Operand<TFloat32> promptScores;
  private final Operand<TFloat32> gateGradient;
  private final List<Operand<TFloat32>> gradients = new ArrayList<>();
  private final Op trainStep;
  private final float promptDropout;
  /** Nanoseconds spent inside TensorFlow's Session.run, summed (the rest of a step is Java overhead). */
  private long sessionNanos;
  /** Every piece of trainable state (variables and optimiser slots), readable and writable. */
  private final Map<String, StateVariable> state = new LinkedHashMap<>();

  private record StateVariable(Variable<TFloat32> variable, Placeholder<TFloat32> value, Op assign, long[] shape) {}

  private PromptedModel(VitConfig config, VitWeights weights, int numClasses, int promptCount,
      PromptMode mode, Hyper hyper, long seed) {
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
    this.promptDropout = hyper.promptDropout();
    this.graph = new Graph();
    Ops tf = Ops.create(graph);
    SplittableRandom random = new SplittableRandom(seed);

    // The frozen backbone: variables filled once, never trained (see FrozenWeights for why not constants).
    FrozenWeights frozen = new FrozenWeights(tf.withSubScope("backbone"));
    for (String name : VitWeights.expectedShapes(config).keySet()) {
      if (!name.startsWith("upstream_head")) { // tuning trains its own head
        frozen.add(weights.get(name));
      }
    }
    VisionTransformer vit = new VisionTransformer(tf, config, frozen.variables());

    images = tf.withName("images").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, config.imageSize(), config.imageSize(), config.channels())));
    labels = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    int d = config.width();

    Variable<TFloat32> pool = null;
    VisionTransformer.PromptInputs promptInputs = null;
    if (this.promptCount > 0) {
      // VPT's initialisation: uniform(-v, v), v = sqrt(6 / (patch_area * channels + D)).
      double bound = Math.sqrt(6.0 / (config.patchSize() * config.patchSize() * config.channels() + d));
      pool = addState(tf, POOL, new long[] {this.promptCount, d}, uniform(random, this.promptCount * d, bound));
      blockOfPrompt = tf.withName("prompt_block").placeholder(TInt32.class, Placeholder.shape(Shape.of(this.promptCount)));
      dropoutRate = tf.withName("dropout_rate").placeholderWithDefault(tf.constant(0f), Shape.scalar());
      dropoutSeed = tf.withName("dropout_seed").placeholderWithDefault(tf.constant(new long[] {0, 0}), Shape.of(2));
      float[] ones = new float[this.promptCount];
      java.util.Arrays.fill(ones, 1f);
      // A multiplicative gate held at 1: d loss / d gate is the reference's idleness score.
      gate = tf.withName("prompt_gate").placeholderWithDefault(tf.constant(ones), Shape.of(this.promptCount));
      Operand<TFloat32> gated = tf.math.mul(pool, tf.expandDims(gate, tf.constant(1)));
      promptInputs = new VisionTransformer.PromptInputs(gated, blockOfPrompt, dropoutRate, dropoutSeed,
          mode == PromptMode.SHALLOW);
    } else {
      blockOfPrompt = null;
      dropoutRate = null;
      dropoutSeed = null;
      gate = null;
    }
    Variable<TFloat32> kernel = addState(tf, HEAD_KERNEL, new long[] {d, numClasses}, truncatedNormal(random, d * numClasses, 0.02));
    Variable<TFloat32> bias = addState(tf, HEAD_BIAS, new long[] {numClasses}, new float[numClasses]);

    Operand<TFloat32> features = vit.features(images, promptInputs);
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
    List<Operand<?>> wrt = new ArrayList<>(trainable);
    if (gate != null) {
      wrt.add(gate);
    }
    var grads = tf.gradients(loss, wrt);
    for (int i = 0; i < trainable.size(); i++) {
      gradients.add(grads.dy(i));
    }
    if (pool != null) {
      promptScores = tf.withName("prompt_scores").sum(tf.math.mul(gradients.get(0), pool), tf.constant(1));
      gateGradient = tf.withName("gate_gradient").identity(grads.<TFloat32>dy(trainable.size()));
    } else {
      promptScores = null;
      gateGradient = null;
    }
    trainStep = buildUpdate(tf, trainable, hyper);

    session = hyper.threads() > 0
        ? new Session(graph, org.tensorflow.proto.ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(hyper.threads()).setInterOpParallelismThreads(hyper.threads()).build())
        : new Session(graph);
    session.initialize();
    frozen.fill(session);
  }

  /** A tuning model on a loaded backbone (its upstream head is not used). */
  public static PromptedModel create(VitConfig config, VitWeights weights, int numClasses, int promptCount,
      PromptMode mode, Hyper hyper, long seed) {
    return new PromptedModel(config, weights, numClasses, promptCount, mode, hyper, seed);
  }

  /** Global-norm clipping, then weight decay (not on the bias), then the framework's Momentum. */
  private Op buildUpdate(Ops tf, List<Variable<TFloat32>> trainable, Hyper hyper) {
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
    List<GradAndVar<? extends org.tensorflow.types.family.TType>> pairs = new ArrayList<>();
    for (int i = 0; i < trainable.size(); i++) {
      Variable<TFloat32> v = trainable.get(i);
      Operand<TFloat32> g = tf.math.mul(gradients.get(i), factor);
      if (hyper.weightDecay() > 0 && !v.equals(trainable.get(trainable.size() - 1))) {
        g = tf.math.add(g, tf.math.mul(tf.constant(hyper.weightDecay()), v));
      }
      pairs.add(new GradAndVar<>(g.asOutput(), v.asOutput()));
    }
    Op step = optimizer.applyGradients(pairs, "train_step");
    for (Variable<TFloat32> v : trainable) {
      String name = v.asOutput().op().name();
      Variable<TFloat32> slot = optimizer.getSlot(v.asOutput(), Momentum.MOMENTUM).orElseThrow();
      addSlot(tf, name + ".momentum", slot, state.get(name).shape());
    }
    return step;
  }

  private Variable<TFloat32> addState(Ops tf, String name, long[] shape, float[] init) {
    Variable<TFloat32> v = tf.withInitScope().withName(name).variable(
        tf.withInitScope().constant(Shape.of(shape), DataBuffers.of(init, true, false)));
    addSlot(tf, name, v, shape);
    return v;
  }

  private void addSlot(Ops tf, String name, Variable<TFloat32> v, long[] shape) {
    Placeholder<TFloat32> value = tf.withName(name + "_value").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(shape)));
    state.put(name, new StateVariable(v, value, tf.assign(v, value), shape));
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


  // ---------------------------------------------------------------- running

  /** One optimisation step on {@code count} images; returns loss, correct, per-prompt scores. */
  public StepResult train(float[] batchImages, int[] batchLabels, int count, int[] assignment, long stepSeed) {
    return run(batchImages, batchLabels, count, assignment, true, stepSeed);
  }

  /** Loss, correct and prompt scores without updating anything (dropout off). */
  public StepResult score(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    return run(batchImages, batchLabels, count, assignment, false, 0);
  }

  /** Loss and correct count (dropout off, no gradients computed). */
  public StepResult evaluate(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, false, 0)) {
      feed.runner.fetch(loss).fetch(correct);
      long started = System.nanoTime();
      Result r = feed.runner.run();
      sessionNanos += System.nanoTime() - started;
      try (r) {
        return new StepResult(Tensors.toFloat(r.get(0)), Tensors.toInts(r.get(1))[0], new float[0]);
      }
    }
  }

  /** Total time spent inside Session.run so far, for overhead accounting in benchmarks. */
  public long sessionNanos() {
    return sessionNanos;
  }

  /** Logits {@code [count, classes]}, row-major (dropout off). */
  public float[] logits(float[] batchImages, int count, int[] assignment) {
    try (Feed feed = feed(batchImages, null, count, assignment, false, 0);
         Result r = feed.runner.fetch(logits).run()) {
      return Tensors.toFloats(r.get(0));
    }
  }

  /** Gradient of the loss with respect to each prompt's gate held at 1 (for tests and audits). */
  public float[] gateGradient(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    requirePrompts();
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, false, 0);
         Result r = feed.runner.fetch(gateGradient).run()) {
      return Tensors.toFloats(r.get(0));
    }
  }

  /** Gradients of the loss for pool, head kernel, head bias (no update; dropout off). */
  public List<float[]> gradients(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, false, 0)) {
      gradients.forEach(feed.runner::fetch);
      try (Result r = feed.runner.run()) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < gradients.size(); i++) {
          out.add(Tensors.toFloats(r.get(i)));
        }
        return out;
      }
    }
  }

  private StepResult run(float[] batchImages, int[] batchLabels, int count, int[] assignment,
      boolean update, long stepSeed) {
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, update, stepSeed)) {
      feed.runner.fetch(loss).fetch(correct);
      if (promptScores != null) {
        feed.runner.fetch(promptScores);
      }
      if (update) {
        feed.runner.addTarget(trainStep);
      }
      long started = System.nanoTime();
      try (Result r = feed.runner.run()) {
        sessionNanos += System.nanoTime() - started;
        float[] scores = promptScores != null ? Tensors.toFloats(r.get(2)) : new float[0];
        return new StepResult(Tensors.toFloat(r.get(0)), Tensors.toInts(r.get(1))[0], scores);
      }
    }
  }

  /** The tensors fed to one session call, closed together. */
  private final class Feed implements AutoCloseable {
    final Session.Runner runner = session.runner();
    final List<Tensor> tensors = new ArrayList<>();

    <T extends Tensor> void add(Operand<?> input, T tensor) {
      tensors.add(tensor);
      runner.feed(input, tensor);
    }

    @Override
    public void close() {
      tensors.forEach(Tensor::close);
    }
  }

  private Feed feed(float[] batchImages, int[] batchLabels, int count, int[] assignment, boolean train, long stepSeed) {
    int pixels = config.imageSize() * config.imageSize() * config.channels();
    if (batchImages.length < count * pixels) {
      throw new IllegalArgumentException("image batch holds " + batchImages.length / pixels + " images of "
          + config.imageSize() + "x" + config.imageSize() + "x" + config.channels() + ", expected " + count);
    }
    Feed feed = new Feed();
    feed.add(images, Tensors.prefixOf(batchImages, count * pixels,
        count, config.imageSize(), config.imageSize(), config.channels()));
    if (batchLabels != null) {
      for (int i = 0; i < count; i++) {
        if (batchLabels[i] < 0 || batchLabels[i] >= numClasses) {
          feed.close();
          throw new IllegalArgumentException("label " + batchLabels[i] + " at batch position " + i
              + " is out of range [0, " + numClasses + ")");
        }
      }
      feed.add(labels, Tensors.ints(java.util.Arrays.copyOf(batchLabels, count), count));
    }
    if (promptCount > 0) {
      checkAssignment(assignment);
      feed.add(blockOfPrompt, Tensors.ints(assignment, promptCount));
      if (train && promptDropout > 0) {
        feed.add(dropoutRate, TFloat32.scalarOf(promptDropout));
        feed.add(dropoutSeed, Tensors.longs(stepSeed, stepSeed >>> 17 ^ 0x5DEECE66DL));
      }
    }
    return feed;
  }

  private void checkAssignment(int[] assignment) {
    if (assignment == null || assignment.length != promptCount) {
      throw new IllegalArgumentException("prompt assignment must give a block for each of the "
          + promptCount + " prompts, got " + (assignment == null ? "none" : assignment.length));
    }
    for (int block : assignment) {
      if (block < 0 || block >= config.depth()) {
        throw new IllegalArgumentException("prompt assigned to block " + block + ", expected [0, " + config.depth() + ")");
      }
    }
  }

  private void requirePrompts() {
    if (promptCount == 0) {
      throw new IllegalStateException("this model has no prompts (" + mode + ")");
    }
  }

  // ---------------------------------------------------------------- state

  /** Names of the trainable state: variables and their momentum slots. */
  public List<String> stateNames() {
    return List.copyOf(state.keySet());
  }

  public float[] read(String name) {
    StateVariable v = stateVariable(name);
    try (Result r = session.runner().fetch(v.variable()).run()) {
      return Tensors.toFloats(r.get(0));
    }
  }

  public void write(String name, float[] values) {
    StateVariable v = stateVariable(name);
    try (TFloat32 t = Tensors.floats(values, v.shape())) {
      session.runner().feed(v.value(), t).addTarget(v.assign()).run();
    }
  }

  /** Multiplies one prompt row by {@code factor} (its momentum row is left as it is). */
  public void scalePrompt(int prompt, float factor) {
    requirePrompts();
    float[] pool = read(POOL);
    int d = config.width();
    for (int i = prompt * d; i < (prompt + 1) * d; i++) {
      pool[i] *= factor;
    }
    write(POOL, pool);
  }

  private StateVariable stateVariable(String name) {
    StateVariable v = state.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no state variable " + name + "; have " + state.keySet());
    }
    return v;
  }

  public VitConfig config() {
    return config;
  }

  public PromptMode mode() {
    return mode;
  }

  public int promptCount() {
    return promptCount;
  }

  public int numClasses() {
    return numClasses;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
