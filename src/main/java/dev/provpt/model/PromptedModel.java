package dev.provpt.model;

import dev.provpt.method.PromptMode;
import java.util.List;
import org.tensorflow.Session;

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
  /** The session calls: what they feed and fetch, timed and optionally traced. */
  private final ModelCalls calls;

  private PromptedModel(PromptedGraph graph, Hyper hyper) {
    this.graph = graph;
    this.precision = hyper.precision();
    this.xla = hyper.xla();
    this.threads = hyper.threads();
    try {
      session = ModelCalls.openSession(graph.graph(), hyper);
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
    calls = new ModelCalls(graph, session);
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
    calls.reset();
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
    return calls.step(batchImages, batchLabels, count, assignment, hyper, stepSeed);
  }

  /** Loss, correct and prompt scores without updating anything (dropout off). */
  public StepResult score(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    return calls.step(batchImages, batchLabels, count, assignment, null, 0);
  }

  /** Loss and correct count (dropout off, no gradients computed). */
  public StepResult evaluate(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    return calls.evaluate(batchImages, batchLabels, count, assignment);
  }

  /**
   * The mean loss of a batch with each prompt removed in turn, {@code [P]}: its attention key
   * gated to exactly 0 ({@code log a = -inf}), which removes a VPT-Deep prompt whole (its outputs
   * are dropped anyway). One forward pass per prompt; dropout off.
   */
  public float[] lossWithoutEachPrompt(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    calls.requireDeep();
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
    calls.requireDeep();
    if (graph.keyLogGate() == null) {
      throw new IllegalStateException("this model measures " + graph.shape().estimators()
          + ", none of which gates the attention keys (attention-gate or leave-one-out does)");
    }
    return calls.lossWithKeyLogGate(batchImages, batchLabels, count, assignment, logGate);
  }

  /** Logits {@code [count, classes]}, row-major (dropout off). */
  public float[] logits(float[] batchImages, int count, int[] assignment) {
    return calls.floats(graph.logits(), batchImages, null, count, assignment);
  }

  // ---------------------------------------------------------------- a model without prompts: features fed back

  /**
   * The head's input for {@code count} images, {@code [count, width]} row-major. Only a model without prompts
   * has features that depend on the images alone.
   */
  public float[] features(float[] batchImages, int count) {
    calls.requireNoPrompts();
    return calls.floats(graph.features(), batchImages, null, count, null);
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
    calls.requireNoPrompts();
    return calls.onFeatures(batchFeatures, batchLabels, count, update ? hyper : null);
  }

  /**
   * Traces every later session call (TensorFlow's FULL_TRACE) and hands its metadata to {@code tracer};
   * null stops tracing. Tracing slows the calls: for profiles, not for timing.
   */
  public void trace(java.util.function.Consumer<org.tensorflow.proto.RunMetadata> tracer) {
    calls.trace(tracer);
  }

  /** Total time spent inside Session.run so far, for overhead accounting in benchmarks. */
  public long sessionNanos() {
    return calls.sessionNanos();
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
    calls.requirePrompts();
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
    calls.requirePrompts();
    if (graph.rawGateGradient() == null) {
      throw new IllegalStateException("this model does not measure input-gate idleness (" + shape().estimators() + ")");
    }
    return calls.floats(graph.rawGateGradient(), batchImages, batchLabels, count, assignment);
  }

  /** Gradients of the loss for pool (when prompted), head kernel, head bias (no update; dropout off). */
  public List<float[]> gradients(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    return calls.floats(graph.gradients(), batchImages, batchLabels, count, assignment);
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
