package dev.provpt.model;

import dev.provpt.idleness.Estimator;
import dev.provpt.method.PromptMode;
import dev.provpt.model.PromptedModel.Hyper;
import dev.provpt.tf.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.types.TFloat32;

/**
 * {@link PromptedModel}'s session calls: the tensors one call feeds (a batch checked against the
 * graph's shape: image size, labels in range, a block for every prompt), what it fetches, and the
 * time spent inside Session.run, optionally traced.
 */
final class ModelCalls {
  private final PromptedGraph graph;
  private final Session session;
  /** Nanoseconds spent inside TensorFlow's Session.run, summed (the rest of a step is Java overhead). */
  private long sessionNanos;
  /** When not null, every session call is traced and its step statistics handed here (the bench's profile). */
  private Consumer<RunMetadata> tracer;

  ModelCalls(PromptedGraph graph, Session session) {
    this.graph = graph;
    this.session = session;
  }

  /**
   * A session of {@code graph}: TensorFlow's defaults unless threads are fixed or XLA is on (an
   * fp32 run without either is configured exactly as before those settings existed).
   */
  static Session openSession(Graph graph, Hyper hyper) {
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

  /** A new run starts: time from zero, tracing off. */
  void reset() {
    sessionNanos = 0;
    tracer = null;
  }

  void trace(Consumer<RunMetadata> tracer) {
    this.tracer = tracer;
  }

  long sessionNanos() {
    return sessionNanos;
  }

  private VitConfig config() {
    return graph.config();
  }

  private int promptCount() {
    return graph.shape().promptCount();
  }

  private int numClasses() {
    return graph.shape().numClasses();
  }

  /** A tuning step ({@code trainWith} given: its settings fed, the step run) or a scoring pass: loss, correct, signals. */
  StepResult step(float[] batchImages, int[] batchLabels, int count, int[] assignment, Hyper trainWith,
      long stepSeed) {
    Map<Estimator, Operand<TFloat32>> signals = graph.signals();
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, trainWith, stepSeed)) {
      feed.fetch(graph.loss()).fetch(graph.correct());
      signals.values().forEach(feed::fetch);
      if (trainWith != null) {
        addTrainStep(feed, trainWith);
      }
      try (Fetched r = feed.run()) {
        Map<Estimator, float[]> measured = new EnumMap<>(Estimator.class);
        signals.forEach((estimator, signal) -> measured.put(estimator, Tensors.toFloats(r.get(signal))));
        return new StepResult(Tensors.toFloat(r.get(graph.loss())), Tensors.toInts(r.get(graph.correct()))[0],
            measured);
      }
    }
  }

  /** Loss and correct count, nothing else fetched. */
  StepResult evaluate(float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, null, 0)) {
      feed.fetch(graph.loss()).fetch(graph.correct());
      try (Fetched r = feed.run()) {
        return StepResult.withoutSignals(Tensors.toFloat(r.get(graph.loss())), Tensors.toInts(r.get(graph.correct()))[0]);
      }
    }
  }

  /** The mean loss with {@code logGate} fed to the attention keys' log gate. */
  float lossWithKeyLogGate(float[] batchImages, int[] batchLabels, int count, int[] assignment, float[] logGate) {
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, null, 0)) {
      feed.add(graph.keyLogGate(), Tensors.floats(logGate, new long[] {promptCount()}));
      feed.fetch(graph.loss());
      try (Fetched r = feed.run()) {
        return Tensors.toFloat(r.get(graph.loss()));
      }
    }
  }

  /** One output of a call without an update (dropout off), as floats. */
  float[] floats(Operand<TFloat32> output, float[] batchImages, int[] batchLabels, int count, int[] assignment) {
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, null, 0);
         Fetched r = feed.fetch(output).run()) {
      return Tensors.toFloats(r.get(output));
    }
  }

  /** Several outputs of a call without an update (dropout off), as floats, in order. */
  List<float[]> floats(List<Operand<TFloat32>> outputs, float[] batchImages, int[] batchLabels, int count,
      int[] assignment) {
    try (Feed feed = feed(batchImages, batchLabels, count, assignment, null, 0)) {
      outputs.forEach(feed::fetch);
      try (Fetched r = feed.run()) {
        List<float[]> out = new ArrayList<>();
        for (Operand<TFloat32> output : outputs) {
          out.add(Tensors.toFloats(r.get(output)));
        }
        return out;
      }
    }
  }

  /** A step ({@code trainWith} given) or an evaluation with features fed in place of images: the backbone does not run. */
  StepResult onFeatures(float[] batchFeatures, int[] batchLabels, int count, Hyper trainWith) {
    int d = graph.featureWidth();
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
      if (trainWith != null) {
        addTrainStep(feed, trainWith);
      }
      try (Fetched r = feed.run()) {
        return StepResult.withoutSignals(Tensors.toFloat(r.get(graph.loss())), Tensors.toInts(r.get(graph.correct()))[0]);
      }
    }
  }

  void requireDeep() {
    if (graph.shape().mode() != PromptMode.DEEP) {
      throw new IllegalStateException("removing a prompt needs VPT-Deep prompts, this model has " + graph.shape().mode());
    }
  }

  void requireNoPrompts() {
    if (graph.shape().promptCount() > 0) {
      throw new IllegalStateException("features depend on the prompts of this model (" + graph.shape().mode() + ")");
    }
  }

  void requirePrompts() {
    if (graph.shape().promptCount() == 0) {
      throw new IllegalStateException("this model has no prompts (" + graph.shape().mode() + ")");
    }
  }

  /** The tensors fed to one session call, closed together, and what it fetches. */
  final class Feed implements AutoCloseable {
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

    /** Runs the call, timed into {@link #sessionNanos()}. */
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
  record Fetched(Result result, List<Operand<?>> outputs) implements AutoCloseable {
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

  /** A feed without inputs yet. */
  Feed newFeed() {
    return new Feed();
  }

  /**
   * A call on {@code count} images (and labels, when not null) with the prompts at {@code assignment}; with
   * {@code dropoutFrom} (a training step), its prompt dropout fed, seeded by {@code stepSeed}.
   */
  Feed feed(float[] batchImages, int[] batchLabels, int count, int[] assignment, Hyper dropoutFrom, long stepSeed) {
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
      if (dropoutFrom != null && dropoutFrom.promptDropout() > 0) {
        feed.add(graph.dropoutRate(), TFloat32.scalarOf(dropoutFrom.promptDropout()));
        feed.add(graph.dropoutSeed(), Tensors.longs(stepSeed, stepSeed >>> 17 ^ 0x5DEECE66DL));
      }
    }
    return feed;
  }

  /** Adds the training step as a target, with the run's optimiser settings fed. */
  void addTrainStep(Feed feed, Hyper hyper) {
    feed.add(graph.learningRate(), TFloat32.scalarOf(hyper.learningRate()));
    feed.add(graph.momentum(), TFloat32.scalarOf(hyper.momentum()));
    feed.add(graph.weightDecay(), TFloat32.scalarOf(hyper.weightDecay()));
    feed.add(graph.clipNorm(), TFloat32.scalarOf(hyper.clipNorm()));
    feed.runner.addTarget(graph.trainStep());
  }

  /** Throws when a label is outside [0, classes), closing {@code feed} first (when there is one). */
  void checkLabels(int[] batchLabels, int count, Feed feed) {
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
}
