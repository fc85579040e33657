package dev.provpt.train;

import dev.provpt.data.Augmentation;
import dev.provpt.data.Batch;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.idleness.Estimator;
import dev.provpt.idleness.Measurement;
import dev.provpt.method.PromptMode;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.StepResult;
import dev.provpt.rundir.ProgressBar;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tuning state of one run: the prompted model, which block each prompt lives in, and the
 * epoch-level operations on them (tune, score, evaluate, relocate). Single-threaded by design:
 * the Tuner actor is its only owner.
 */
public final class TuningSession implements AutoCloseable {
  private final PromptedModel model;
  private final ImageSet train;
  private final Normalization normalization;
  private final Augmentation augmentation;
  private final int batchSize;
  private final long seed;
  private final int[] assignment;
  private long steps;
  /**
   * Whether this run trains and evaluates on features computed once (a linear probe without augmentation):
   * the backbone then runs once per image and set instead of once per image and epoch.
   */
  private final boolean onFeatures;
  /** Each set's features, {@code [size, width]} in the set's order, once computed (by identity of the set). */
  private final Map<ImageSet, float[]> features = new java.util.IdentityHashMap<>();

  /**
   * Everything that changes while tuning: trainable variables with their momentum slots, the
   * block of every prompt and the step counter (which seeds dropout). Restoring it continues
   * the run exactly.
   */
  public record Snapshot(Map<String, float[]> state, int[] assignment, long steps) {}

  /**
   * Mean loss and accuracy of a pass, with the idleness of each prompt by every estimator the model measures,
   * averaged over the pass's batches (empty when it measures none; leave-one-out only from
   * {@link #measureWithLeaveOneOut}).
   */
  public record PassResult(double loss, double accuracy, Measurement idleness, double seconds) {}

  /** The task's class names, in label order. */
  public java.util.List<String> classNames() {
    return train.classNames();
  }

  /** {@code augmentation} applies to {@link #tuneEpoch}'s batches only, never to scoring or evaluation. */
  public TuningSession(PromptedModel model, ImageSet train, Normalization normalization, Augmentation augmentation,
      int batchSize, long seed, int[] initialAssignment) {
    this(model, train, normalization, augmentation, batchSize, seed, initialAssignment, false);
  }

  /**
   * As above; with {@code cacheFeatures}, a model without prompts and without augmentation computes each set's
   * features once and trains and evaluates its head on them (the same batches in the same order).
   */
  public TuningSession(PromptedModel model, ImageSet train, Normalization normalization, Augmentation augmentation,
      int batchSize, long seed, int[] initialAssignment, boolean cacheFeatures) {
    this.model = model;
    this.train = train;
    this.normalization = normalization;
    this.augmentation = java.util.Objects.requireNonNull(augmentation, "augmentation");
    this.batchSize = batchSize;
    this.seed = seed;
    this.assignment = initialAssignment.clone();
    this.onFeatures = cacheFeatures && model.promptCount() == 0 && augmentation == Augmentation.NONE;
    if (assignment.length != model.promptCount()) {
      throw new IllegalArgumentException("initial assignment has " + assignment.length + " prompts, model has "
          + model.promptCount());
    }
  }

  /** VPT-Deep's uniform start: {@code perBlock} prompts in every block, in block order. */
  public static int[] uniformAssignment(int depth, int perBlock) {
    int[] a = new int[depth * perBlock];
    for (int i = 0; i < a.length; i++) {
      a[i] = i / perBlock;
    }
    return a;
  }

  /** One epoch of optimisation steps over the training set (shuffled and augmented from (seed, epoch)). */
  public PassResult tuneEpoch(int epoch, ProgressBar bar) {
    if (onFeatures) {
      return featurePass(train, BatchIterator.epochOrder(train.size(), seed, epoch), batchSize, true, bar);
    }
    return pass(BatchIterator.shuffled(train, batchSize, normalization, seed, epoch, augmentation), true, bar);
  }

  /** Whether this run trains and evaluates its head on features computed once per set. */
  public boolean onFeatures() {
    return onFeatures;
  }

  /**
   * A pass of the head over {@code set}'s cached features in {@code order} (batches as {@link BatchIterator}
   * cuts them), updating it when {@code update}; steps count as in {@link #pass}.
   */
  private PassResult featurePass(ImageSet set, int[] order, int size, boolean update, ProgressBar bar) {
    long started = System.nanoTime();
    float[] all = featuresOf(set);
    int d = model.featureWidth();
    double lossSum = 0;
    long hits = 0;
    int seen = 0;
    for (int start = 0; start < order.length; start += size) {
      int count = Math.min(size, order.length - start);
      float[] rows = new float[count * d];
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        int index = order[start + i];
        System.arraycopy(all, index * d, rows, i * d, d);
        labels[i] = set.labels()[index];
      }
      StepResult r;
      if (update) {
        steps++;
        r = model.trainOnFeatures(rows, labels, count);
      } else {
        r = model.evaluateOnFeatures(rows, labels, count);
      }
      if (update) {
        requireFinite(r.loss(), start / size + 1);
      }
      lossSum += (double) r.loss() * count;
      hits += r.correct();
      seen += count;
      bar.step(String.format("loss %.4f", lossSum / seen));
    }
    return new PassResult(lossSum / seen, (double) hits / seen, Measurement.empty(),
        (System.nanoTime() - started) / 1e9);
  }

  private static void requireFinite(float loss, int batch) {
    if (!Float.isFinite(loss)) {
      throw new TrainingException("training loss became " + loss + " (batch " + batch
          + "); the learning rate may be too high for this task, or the backbone holds NaN or infinite weights");
    }
  }

  /** How many sets' features this run has computed (each once). */
  int featureSetsComputed() {
    return features.size();
  }

  /** {@code set}'s features in its own order, computed on first use (as evaluation batches them). */
  private float[] featuresOf(ImageSet set) {
    float[] cached = features.get(set);
    if (cached != null) {
      return cached;
    }
    float[] all = new float[set.size() * model.featureWidth()];
    int at = 0;
    BatchIterator batches = BatchIterator.sequential(set, 256, normalization);
    while (batches.hasNext()) {
      Batch b = batches.next();
      float[] rows = model.features(b.images(), b.size());
      System.arraycopy(rows, 0, all, at, rows.length);
      at += rows.length;
    }
    features.put(set, all);
    return all;
  }

  /** A pass over the training set without updates (nor augmentation): [PRO-VPT-code]'s way to score prompts. */
  public PassResult scorePass() {
    return pass(BatchIterator.sequential(train, batchSize, normalization), false, ProgressBar.silent());
  }

  private PassResult pass(BatchIterator batches, boolean update, ProgressBar bar) {
    long started = System.nanoTime();
    double lossSum = 0;
    long hits = 0;
    int batchesSeen = 0;
    int seen = 0;
    int prompts = model.promptCount();
    Map<Estimator, float[]> sums = new EnumMap<>(Estimator.class);
    while (batches.hasNext()) {
      Batch b = batches.next();
      StepResult r = update
          ? model.train(b.images(), b.labels(), b.size(), assignment, seed * 1_000_003L + steps++)
          : model.score(b.images(), b.labels(), b.size(), assignment);
      requireFinite(r.loss(), batchesSeen + 1);
      lossSum += (double) r.loss() * b.size();
      hits += r.correct();
      r.signals().forEach((estimator, signal) -> {
        float[] sum = sums.computeIfAbsent(estimator, e -> new float[prompts]);
        for (int j = 0; j < prompts; j++) {
          sum[j] += signal[j];
        }
      });
      batchesSeen++;
      seen += b.size();
      bar.step(String.format("loss %.4f", lossSum / seen));
    }
    for (float[] sum : sums.values()) {
      for (int j = 0; j < prompts; j++) {
        sum[j] /= Math.max(1, batchesSeen);
      }
    }
    return new PassResult(lossSum / seen, (double) hits / seen, new Measurement(sums),
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * The fixed scoring subset: {@code size} training images in an order drawn once from the seed,
   * the same every epoch (all of them when the set is smaller).
   */
  public ImageSet scoringSubset(int size) {
    int[] order = BatchIterator.epochOrder(train.size(), seed * 31 + 7, 0);
    return train.subset(Arrays.copyOf(order, Math.min(size, order.length)), train.name() + "/scoring" + size);
  }

  /**
   * The model's per-step estimators on {@code subset} (dropout off, nothing updated), and the exact removal effect
   * of each prompt there: L(all prompts) − L(without it), so that, like the estimators, a positive
   * value means removing the prompt lowers the loss.
   */
  public PassResult measureWithLeaveOneOut(ImageSet subset) {
    PassResult gates = pass(BatchIterator.sequential(subset, batchSize, normalization), false, ProgressBar.silent());
    long started = System.nanoTime();
    double[] without = new double[model.promptCount()];
    BatchIterator batches = BatchIterator.sequential(subset, batchSize, normalization);
    while (batches.hasNext()) {
      Batch b = batches.next();
      float[] losses = model.lossWithoutEachPrompt(b.images(), b.labels(), b.size(), assignment);
      for (int j = 0; j < losses.length; j++) {
        without[j] += (double) losses[j] * b.size();
      }
    }
    float[] effect = new float[without.length];
    for (int j = 0; j < effect.length; j++) {
      effect[j] = (float) (gates.loss() - without[j] / subset.size());
    }
    return new PassResult(gates.loss(), gates.accuracy(), gates.idleness().with(Estimator.LEAVE_ONE_OUT, effect),
        gates.seconds() + (System.nanoTime() - started) / 1e9);
  }

  /** Top-1 accuracy and mean loss on a labelled set (dropout off, nothing updated). */
  public PassResult evaluate(ImageSet set) {
    if (onFeatures) { // timed from before the set's features are computed, as the recomputing path would be
      return featurePass(set, java.util.stream.IntStream.range(0, set.size()).toArray(), 256, false,
          ProgressBar.silent());
    }
    long started = System.nanoTime();
    double lossSum = 0;
    long hits = 0;
    BatchIterator batches = BatchIterator.sequential(set, 256, normalization);
    while (batches.hasNext()) {
      Batch b = batches.next();
      StepResult r = model.evaluate(b.images(), b.labels(), b.size(), assignment);
      lossSum += (double) r.loss() * b.size();
      hits += r.correct();
    }
    return new PassResult(lossSum / set.size(), (double) hits / set.size(), Measurement.empty(),
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * Moves prompt {@code prompt} to block {@code toBlock}, scaling its value by {@code scale}
   * (its momentum row goes with it unchanged). Returns the block it came from. When the target is
   * the prompt's own block and {@code scaleWhenKept} is false, nothing changes ([PRO-VPT-code]'s
   * behaviour on supervised backbones).
   */
  public int relocate(int prompt, int toBlock, float scale, boolean scaleWhenKept) {
    if (model.mode() != PromptMode.DEEP) {
      throw new IllegalStateException("relocation needs VPT-Deep prompts, this run is " + model.mode());
    }
    if (toBlock < 0 || toBlock >= model.config().depth()) {
      throw new IllegalArgumentException("target block " + toBlock + " outside [0, " + model.config().depth() + ")");
    }
    int from = assignment[prompt];
    assignment[prompt] = toBlock;
    if (from != toBlock || scaleWhenKept) {
      model.scalePrompt(prompt, scale);
    }
    return from;
  }

  public Snapshot snapshot() {
    Map<String, float[]> state = new LinkedHashMap<>();
    for (String name : model.stateNames()) {
      state.put(name, model.read(name));
    }
    return new Snapshot(state, assignment.clone(), steps);
  }

  public void restore(Snapshot snapshot) {
    if (snapshot.assignment().length != assignment.length
        || !snapshot.state().keySet().equals(new java.util.HashSet<>(model.stateNames()))) {
      throw new IllegalArgumentException("checkpoint does not fit this model: it holds " + snapshot.state().keySet()
          + " for " + snapshot.assignment().length + " prompts, the model has " + model.stateNames() + " for "
          + assignment.length);
    }
    snapshot.state().forEach(model::write);
    System.arraycopy(snapshot.assignment(), 0, assignment, 0, assignment.length);
    steps = snapshot.steps();
  }

  public int[] assignment() {
    return assignment.clone();
  }

  /** Prompts per block. */
  public int[] distribution() {
    int[] counts = new int[model.config().depth()];
    switch (model.mode()) {
      case DEEP -> {
        for (int b : assignment) {
          counts[b]++;
        }
      }
      case SHALLOW -> counts[0] = model.promptCount();
      case NONE -> { }
    }
    return counts;
  }

  public PromptedModel model() {
    return model;
  }

  public long steps() {
    return steps;
  }

  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return "TuningSession" + Arrays.toString(distribution());
  }
}
