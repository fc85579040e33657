package dev.provpt.model;

import dev.provpt.idleness.Estimator;
import dev.provpt.method.PromptMode;
import dev.provpt.tf.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.types.TFloat32;

/**
 * Runs the tuning graph ({@link PromptedGraph}) in its own session: feeds batches, trains,
 * scores, evaluates, and reads and writes the trainable state by name.
 *
 * <p>The block assignment of every prompt is an input of each call, so relocating a prompt is
 * a change of the caller's {@code int[]} (plus {@link #scalePrompt}); its momentum row stays
 * with it. Not thread-safe: one owner (the Tuner) drives it.
 */
public final class PromptedModel implements AutoCloseable {
  /** Names of the trainable state, as checkpoints and exports store it; each has a "{@code .momentum}" slot. */
  public static final String POOL = "prompt_pool";
  public static final String HEAD_KERNEL = "head.kernel";
  public static final String HEAD_BIAS = "head.bias";

  /**
   * Optimisation settings of the tuning step: a fixed learning rate, SGD with momentum, weight
   * decay, global-norm gradient clipping and prompt dropout.
   *
   * @param threads TensorFlow's intra- and inter-op threads; 0 lets TensorFlow choose (all cores).
   *     With 1, CPU results are bit-for-bit reproducible (multi-threaded gradient accumulation is not).
   * @param precision the frozen backbone's arithmetic, as asked for: bf16 on a CPU without bf16
   *     support runs fp32 ({@link Precision#effective}); fp32 is the reference
   * @param xla TensorFlow's XLA JIT on the session
   */
  public record Hyper(float learningRate, float momentum, float weightDecay, float clipNorm, float promptDropout,
      int threads, Precision precision, Xla xla) {
    public Hyper {
      if (precision == null || xla == null) {
        throw new IllegalArgumentException("precision and xla must be given");
      }
    }

    public Hyper(float learningRate, float momentum, float weightDecay, float clipNorm, float promptDropout) {
      this(learningRate, momentum, weightDecay, clipNorm, promptDropout, 0);
    }

    public Hyper(float learningRate, float momentum, float weightDecay, float clipNorm, float promptDropout,
        int threads) {
      this(learningRate, momentum, weightDecay, clipNorm, promptDropout, threads, Precision.FP32, Xla.OFF);
    }

    /** These settings with {@code precision} replaced by what this CPU runs. */
    Hyper effective() {
      Precision p = precision.effective();
      return p == precision ? this
          : new Hyper(learningRate, momentum, weightDecay, clipNorm, promptDropout, threads, p, xla);
    }
  }

  /**
   * Loss and correct count of a batch, plus each measured estimator's per-prompt idleness signal ({@code [P]}):
   * the estimators of the model's {@link ModelShape} that a step can measure; none when the model measures none.
   */
  public record StepResult(float loss, int correct, Map<Estimator, float[]> signals) {

    static StepResult withoutSignals(float loss, int correct) {
      return new StepResult(loss, correct, Map.of());
    }

    /** {@code estimator}'s signal; an error naming it when this step did not measure it. */
    public float[] signal(Estimator estimator) {
      float[] s = signals.get(estimator);
      if (s == null) {
        throw new IllegalStateException(estimator.key + " idleness is not measured by this model (measured: "
            + signals.keySet() + ")");
      }
      return s;
    }
  }

  private final PromptedGraph graph;
  private final Session session;
  /** What the graph and the session were built for: a run's settings must match them to use this model. */
  private final Precision precision;
  private final Xla xla;
  private final int threads;
  /** The current run's settings, fed with every training step ({@link #start}). */
  private Hyper hyper;
  /** The pool this model returns to when closed; null: closing disposes of it. */
  private ModelPool pool;
  /** False once closed (handed back or disposed of), until a pool lends it again: closing twice does nothing. */
  private boolean open = true;
  /** Nanoseconds spent inside TensorFlow's Session.run, summed (the rest of a step is Java overhead). */
  private long sessionNanos;
  /** When not null, every session call is traced and its step statistics handed here (the bench's profile). */
  private java.util.function.Consumer<org.tensorflow.proto.RunMetadata> tracer;

  private PromptedModel(PromptedGraph graph, Hyper hyper) {
    this.graph = graph;
    this.precision = hyper.precision();
    this.xla = hyper.xla();
    this.threads = hyper.threads();
    try {
      session = sessionOf(graph.graph(), hyper);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    try {
      session.initialize();
      graph.frozen().fill(session);
    } catch (RuntimeException e) {
      dispose();
      throw e;
    }
  }

  /**
   * A session of {@code graph}: TensorFlow's defaults unless threads are fixed or XLA is on (an
   * fp32 run without either is configured exactly as before those settings existed).
   */
  private static Session sessionOf(Graph graph, Hyper hyper) {
    if (hyper.threads() <= 0 && hyper.xla() == Xla.OFF) {
      return new Session(graph);
    }
    ConfigProto.Builder config = ConfigProto.newBuilder();
    if (hyper.threads() > 0) {
      config.setIntraOpParallelismThreads(hyper.threads()).setInterOpParallelismThreads(hyper.threads());
    }
    if (hyper.xla() == Xla.ON) {
      // global_jit_level alone does nothing on a CPU: auto-clustering there is behind a flag of its own
      Xla.enableCpuAutoClustering();
      config.setGraphOptions(GraphOptions.newBuilder().setOptimizerOptions(
          OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
    }
    return new Session(graph, config.build());
  }

  /**
   * A tuning model on a loaded backbone (its upstream head is not used) with a head on the backbone, measuring
   * every idleness estimator {@code mode} allows ({@link ModelShape#measuringAll}).
   */
  public static PromptedModel create(VitConfig config, VitWeights weights, int numClasses, int promptCount,
      PromptMode mode, Hyper hyper, long seed) {
    return create(config, weights, ModelShape.measuringAll(numClasses, promptCount, mode), hyper, seed);
  }

  /** A tuning model of {@code shape} on a loaded backbone (its upstream head is not used). */
  public static PromptedModel create(VitConfig config, VitWeights weights, ModelShape shape, Hyper hyper, long seed) {
    Hyper effective = hyper.effective();
    PromptedModel model = new PromptedModel(new PromptedGraph(config, weights, shape, effective.precision()),
        effective);
    try {
      model.start(hyper, seed);
    } catch (RuntimeException e) {
      model.dispose();
      throw e;
    }
    return model;
  }

  /**
   * Starts a run on this model: {@code hyper}'s learning rate, momentum, weight decay, clipping and dropout from
   * now on, and the trainable state a fresh model of {@code seed} starts from (prompts, head, zero momentum).
   * A model that ran before then computes exactly what a new one would. {@code hyper}'s precision, XLA setting
   * and threads must be this model's ({@link #fits}).
   */
  public void start(Hyper hyper, long seed) {
    Hyper effective = hyper.effective();
    if (!fits(effective)) {
      throw new IllegalArgumentException("this model was built for " + precision.key + ", XLA " + xla + ", "
          + threads + " threads; the run asks for " + effective.precision().key + ", XLA " + effective.xla() + ", "
          + effective.threads() + " threads");
    }
    graph.state().writeAll(session, graph.initialState(seed));
    this.hyper = effective;
    this.sessionNanos = 0;
    this.tracer = null;
    this.open = true;
  }

  /** Whether a run with {@code hyper} can use this model's session (precision, XLA and threads as built). */
  boolean fits(Hyper hyper) {
    Hyper effective = hyper.effective();
    return effective.precision() == precision && effective.xla() == xla && effective.threads() == threads;
  }

  /** Whether this model's graph is the one a model of this shape would build (weights by identity). */
  boolean builtFor(VitConfig config, VitWeights weights, ModelShape shape) {
    return graph.config().equals(config) && graph.weights() == weights && graph.shape().equals(shape);
  }

  /** From now on, {@link #close} hands this model back to {@code pool} instead of disposing of it. */
  void lendFrom(ModelPool pool) {
    this.pool = pool;
  }

  /** The precision this model computes in (bf16 asked for on a CPU without it gives fp32). */
  public Precision precision() {
    return precision;
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
      feed.fetch(graph.loss()).fetch(graph.correct());
      try (Fetched r = feed.run()) {
        return StepResult.withoutSignals(Tensors.toFloat(r.get(graph.loss())), Tensors.toInts(r.get(graph.correct()))[0]);
      }
    }
  }

  /**
   * The mean loss of a batch with each prompt removed in turn, {@code [P]}: its attention key
   * gated to exactly 0 ({@code log a = -inf}), which removes a VPT-Deep prompt whole (its outputs
   * are dropped anyway). One forward pass per prompt; dropout off.
   */
  public float[] lossWithoutEachPrompt(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    requireDeep();
    float[] losses = new float[promptCount()];
    for (int j = 0; j < losses.length; j++) {
      float[] logGate = new float[promptCount()];
      logGate[j] = Float.NEGATIVE_INFINITY;
      losses[j] = lossWithKeyLogGate(batchImages, batchLabels, count, assignment, logGate);
    }
    return losses;
  }

  /** The mean loss of a batch with {@code log a_j} added to every prompt's attention logits (dropout off). */
  public float lossWithKeyLogGate(float[] batchImages, int[] batchLabels, int count, int[] assignment,
      float[] logGate) {
    requireDeep();
    if (graph.keyLogGate() == null) {
      throw new IllegalStateException("this model measures " + graph.shape().estimators()
          + ", none of which gates the attention keys (attention-gate or leave-one-out does)");
    }
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, false, 0)) {
      feed.add(graph.keyLogGate(), Tensors.floats(logGate, new long[] {promptCount()}));
      feed.fetch(graph.loss());
      try (Fetched r = feed.run()) {
        return Tensors.toFloat(r.get(graph.loss()));
      }
    }
  }

  /** Logits {@code [count, classes]}, row-major (dropout off). */
  public float[] logits(float[] batchImages, int count, int[] assignment) {
    try (Feed feed = feed(batchImages, null, count, assignment, false, 0);
         Fetched r = feed.fetch(graph.logits()).run()) {
      return Tensors.toFloats(r.get(graph.logits()));
    }
  }

  // ---------------------------------------------------------------- a model without prompts: features fed back

  /**
   * The head's input for {@code count} images, {@code [count, width]} row-major. Only a model without prompts
   * has features that depend on the images alone.
   */
  public float[] features(float[] batchImages, int count) {
    requireNoPrompts();
    try (Feed feed = feed(batchImages, null, count, null, false, 0)) {
      feed.fetch(graph.features());
      try (Fetched r = feed.run()) {
        return Tensors.toFloats(r.get(graph.features()));
      }
    }
  }

  /** {@link #train} with the features of {@link #features} fed in place of images: the backbone does not run. */
  public StepResult trainOnFeatures(float[] batchFeatures, int[] batchLabels, int count) {
    return onFeatures(batchFeatures, batchLabels, count, true);
  }

  /** {@link #evaluate} with the features of {@link #features} fed in place of images. */
  public StepResult evaluateOnFeatures(float[] batchFeatures, int[] batchLabels, int count) {
    return onFeatures(batchFeatures, batchLabels, count, false);
  }

  private StepResult onFeatures(float[] batchFeatures, int[] batchLabels, int count, boolean update) {
    requireNoPrompts();
    int d = featureWidth();
    if (batchFeatures.length < count * d) {
      throw new IllegalArgumentException("feature batch holds " + batchFeatures.length / d + " rows of width " + d
          + ", expected " + count);
    }
    checkLabels(batchLabels, count, null);
    try (Feed feed = new Feed()) {
      // feeding an inner tensor: TensorFlow prunes everything that only leads to it (the backbone)
      feed.add(graph.features(), Tensors.prefixOf(batchFeatures, count * d, count, d));
      feed.add(graph.labels(), Tensors.ints(Arrays.copyOf(batchLabels, count), count));
      feed.fetch(graph.loss()).fetch(graph.correct());
      if (update) {
        feedSettings(feed);
      }
      try (Fetched r = feed.run()) {
        return StepResult.withoutSignals(Tensors.toFloat(r.get(graph.loss())), Tensors.toInts(r.get(graph.correct()))[0]);
      }
    }
  }

  /**
   * Traces every later session call (TensorFlow's FULL_TRACE) and hands its metadata to {@code tracer};
   * null stops tracing. Tracing slows the calls: for profiles, not for timing.
   */
  public void trace(java.util.function.Consumer<org.tensorflow.proto.RunMetadata> tracer) {
    this.tracer = tracer;
  }

  /** Total time spent inside Session.run so far, for overhead accounting in benchmarks. */
  public long sessionNanos() {
    return sessionNanos;
  }

  private StepResult run(float[] batchImages, int[] batchLabels, int count, int[] assignment,
      boolean update, long stepSeed) {
    Map<Estimator, Operand<TFloat32>> signals = graph.signals();
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, update, stepSeed)) {
      feed.fetch(graph.loss()).fetch(graph.correct());
      signals.values().forEach(feed::fetch);
      if (update) {
        feedSettings(feed);
      }
      try (Fetched r = feed.run()) {
        Map<Estimator, float[]> measured = new EnumMap<>(Estimator.class);
        signals.forEach((estimator, signal) -> measured.put(estimator, Tensors.toFloats(r.get(signal))));
        return new StepResult(Tensors.toFloat(r.get(graph.loss())), Tensors.toInts(r.get(graph.correct()))[0],
            measured);
      }
    }
  }

  // ---------------------------------------------------------------- state

  /** Names of the trainable state: variables, then their momentum slots. */
  public List<String> stateNames() {
    return List.copyOf(graph.state().names());
  }

  public float[] read(String name) {
    return graph.state().read(session, name);
  }

  public void write(String name, float[] values) {
    graph.state().write(session, name, values);
  }

  /** Multiplies one prompt row by {@code factor} (its momentum row is left as it is). */
  public void scalePrompt(int prompt, float factor) {
    requirePrompts();
    float[] pool = read(POOL);
    int d = config().width();
    for (int i = prompt * d; i < (prompt + 1) * d; i++) {
      pool[i] *= factor;
    }
    write(POOL, pool);
  }

  public VitConfig config() {
    return graph.config();
  }

  /** What the graph was built for: classes, prompts and layout, head input, measured estimators. */
  public ModelShape shape() {
    return graph.shape();
  }

  public PromptMode mode() {
    return graph.shape().mode();
  }

  public int promptCount() {
    return graph.shape().promptCount();
  }

  public int numClasses() {
    return graph.shape().numClasses();
  }

  /** How many values the head reads per image: the backbone's width, or the image's values for a pixels head. */
  public int featureWidth() {
    return graph.featureWidth();
  }

  // ---------------------------------------------------------------- for tests and audits

  /** Whether the graph holds an op of this name (tests: a graph measuring no estimator has no gate). */
  boolean hasOperation(String name) {
    return graph.graph().operation(name) != null;
  }

  /** Gradient of the loss with respect to each prompt's gate held at 1 (dropout off). */
  public float[] gateGradient(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    requirePrompts();
    if (graph.rawGateGradient() == null) {
      throw new IllegalStateException("this model does not measure input-gate idleness (" + shape().estimators() + ")");
    }
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, false, 0);
         Fetched r = feed.fetch(graph.rawGateGradient()).run()) {
      return Tensors.toFloats(r.get(graph.rawGateGradient()));
    }
  }

  /** Gradients of the loss for pool (when prompted), head kernel, head bias (no update; dropout off). */
  public List<float[]> gradients(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    List<Operand<TFloat32>> gradients = graph.gradients();
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, false, 0)) {
      gradients.forEach(feed::fetch);
      try (Fetched r = feed.run()) {
        List<float[]> out = new ArrayList<>();
        for (Operand<TFloat32> gradient : gradients) {
          out.add(Tensors.toFloats(r.get(gradient)));
        }
        return out;
      }
    }
  }

  // ---------------------------------------------------------------- feeding

  /** The tensors fed to one session call, closed together, and what it fetches. */
  private final class Feed implements AutoCloseable {
    final Session.Runner runner = session.runner();
    final List<Tensor> tensors = new ArrayList<>();
    final List<Operand<?>> fetched = new ArrayList<>();

    <T extends Tensor> void add(Operand<?> input, T tensor) {
      tensors.add(tensor);
      runner.feed(input, tensor);
    }

    Feed fetch(Operand<?> output) {
      fetched.add(output);
      runner.fetch(output);
      return this;
    }

    /** Runs the call, timed into {@link #sessionNanos}. */
    Fetched run() {
      long started = System.nanoTime();
      Result r;
      if (tracer == null) {
        r = runner.run();
      } else {
        runner.setOptions(org.tensorflow.proto.RunOptions.newBuilder()
            .setTraceLevel(org.tensorflow.proto.RunOptions.TraceLevel.FULL_TRACE).build());
        r = runner.runAndFetchMetadata();
        r.getMetadata().ifPresent(tracer);
      }
      sessionNanos += System.nanoTime() - started;
      return new Fetched(r, List.copyOf(fetched));
    }

    @Override
    public void close() {
      tensors.forEach(Tensor::close);
    }
  }

  /** A session call's results, read by the operand fetched. */
  private record Fetched(Result result, List<Operand<?>> outputs) implements AutoCloseable {
    Tensor get(Operand<?> output) {
      int at = outputs.indexOf(output);
      if (at < 0) {
        throw new IllegalStateException("not fetched: " + output);
      }
      return result.get(at);
    }

    @Override
    public void close() {
      result.close();
    }
  }

  private Feed feed(float[] batchImages, int[] batchLabels, int count, int[] assignment, boolean train, long stepSeed) {
    VitConfig config = config();
    int pixels = config.imageSize() * config.imageSize() * config.channels();
    if (batchImages.length < count * pixels) {
      throw new IllegalArgumentException("image batch holds " + batchImages.length / pixels + " images of "
          + config.imageSize() + "x" + config.imageSize() + "x" + config.channels() + ", expected " + count);
    }
    Feed feed = new Feed();
    feed.add(graph.images(), Tensors.prefixOf(batchImages, count * pixels,
        count, config.imageSize(), config.imageSize(), config.channels()));
    if (batchLabels != null) {
      checkLabels(batchLabels, count, feed);
      feed.add(graph.labels(), Tensors.ints(Arrays.copyOf(batchLabels, count), count));
    }
    if (promptCount() > 0) {
      checkAssignment(assignment);
      feed.add(graph.blockOfPrompt(), Tensors.ints(assignment, promptCount()));
      if (train && hyper.promptDropout() > 0) {
        feed.add(graph.dropoutRate(), TFloat32.scalarOf(hyper.promptDropout()));
        feed.add(graph.dropoutSeed(), Tensors.longs(stepSeed, stepSeed >>> 17 ^ 0x5DEECE66DL));
      }
    }
    return feed;
  }

  /** Adds the training step as a target, with the current run's optimiser settings fed. */
  private void feedSettings(Feed feed) {
    feed.add(graph.learningRate(), TFloat32.scalarOf(hyper.learningRate()));
    feed.add(graph.momentum(), TFloat32.scalarOf(hyper.momentum()));
    feed.add(graph.weightDecay(), TFloat32.scalarOf(hyper.weightDecay()));
    feed.add(graph.clipNorm(), TFloat32.scalarOf(hyper.clipNorm()));
    feed.runner.addTarget(graph.trainStep());
  }

  /** Throws when a label is outside [0, classes), closing {@code feed} first (when there is one). */
  private void checkLabels(int[] batchLabels, int count, Feed feed) {
    for (int i = 0; i < count; i++) {
      if (batchLabels[i] < 0 || batchLabels[i] >= numClasses()) {
        if (feed != null) {
          feed.close();
        }
        throw new IllegalArgumentException("label " + batchLabels[i] + " at batch position " + i
            + " is out of range [0, " + numClasses() + ")");
      }
    }
  }

  private void checkAssignment(int[] assignment) {
    if (assignment == null || assignment.length != promptCount()) {
      throw new IllegalArgumentException("prompt assignment must give a block for each of the "
          + promptCount() + " prompts, got " + (assignment == null ? "none" : assignment.length));
    }
    for (int block : assignment) {
      if (block < 0 || block >= config().depth()) {
        throw new IllegalArgumentException("prompt assigned to block " + block + ", expected [0, "
            + config().depth() + ")");
      }
    }
  }

  private void requireDeep() {
    if (mode() != PromptMode.DEEP) {
      throw new IllegalStateException("removing a prompt needs VPT-Deep prompts, this model has " + mode());
    }
  }

  private void requireNoPrompts() {
    if (promptCount() > 0) {
      throw new IllegalStateException("features depend on the prompts of this model (" + mode() + ")");
    }
  }

  private void requirePrompts() {
    if (promptCount() == 0) {
      throw new IllegalStateException("this model has no prompts (" + mode() + ")");
    }
  }

  /** Hands the model back to the pool it was lent from, or disposes of it (session and graph). */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    if (pool != null) {
      ModelPool lender = pool;
      pool = null;
      lender.giveBack(this);
    } else {
      dispose();
    }
  }

  void dispose() {
    session.close();
    graph.close();
  }
}
