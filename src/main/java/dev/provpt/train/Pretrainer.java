package dev.provpt.train;

import dev.provpt.data.Batch;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.model.VisionTransformer;
import dev.provpt.model.VitConfig;
import dev.provpt.model.VitWeights;
import dev.provpt.model.WeightTensor;
import dev.provpt.rundir.ProgressBar;
import dev.provpt.tf.HostVariables;
import dev.provpt.tf.OrderedAdam;
import dev.provpt.tf.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Trains a whole ViT (backbone and upstream head) from scratch with Adam: the way the shipped
 * backbones are made. Uses the same graph builder and the same preprocessing as tuning. The learning
 * rate is constant or follows a linear warm-up then a cosine decay to zero; every epoch may bring
 * its own training set (fresh generated instances); after each epoch the whole training state (the
 * weights and Adam's moments) can be saved, so a run cut short resumes where it stopped.
 */
public final class Pretrainer implements AutoCloseable {
  /** Recipe of a pre-training run. */
  public record Recipe(int epochs, int batchSize, float learningRate, long seed, Schedule schedule,
                       double warmupEpochs, PretrainObjective objective, double maskRatio) {
    public Recipe {
      if (objective != PretrainObjective.SUPERVISED && !(maskRatio > 0 && maskRatio < 1)) {
        throw new IllegalArgumentException("objective " + objective.key + " needs a mask ratio in (0, 1), got "
            + maskRatio);
      }
    }

    /** A supervised recipe. */
    public Recipe(int epochs, int batchSize, float learningRate, long seed, Schedule schedule, double warmupEpochs) {
      this(epochs, batchSize, learningRate, seed, schedule, warmupEpochs, PretrainObjective.SUPERVISED, 0);
    }

    /** The first recipes' form: a constant learning rate. */
    public Recipe(int epochs, int batchSize, float learningRate, long seed) {
      this(epochs, batchSize, learningRate, seed, Schedule.CONSTANT, 0);
    }

    /** The learning rate at {@code step} of {@code totalSteps}. */
    public double learningRateAt(long step, long totalSteps, long stepsPerEpoch) {
      return switch (schedule) {
        case CONSTANT -> learningRate;
        case COSINE -> {
          double warmup = warmupEpochs * stepsPerEpoch;
          if (step < warmup) {
            yield learningRate * (step + 1) / warmup;
          }
          double progress = (step - warmup) / Math.max(1, totalSteps - warmup);
          yield learningRate * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        }
      };
    }
  }

  /** How the learning rate moves over the run. */
  public enum Schedule {
    CONSTANT("constant"), COSINE("cosine");

    public final String key;

    Schedule(String key) {
      this.key = key;
    }

    public static java.util.List<String> keys() {
      return java.util.Arrays.stream(values()).map(v -> v.key).toList();
    }

    public static Schedule of(String key) {
      return java.util.Arrays.stream(values()).filter(v -> v.key.equals(key)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("schedule must be one of " + keys() + ", got " + key));
    }
  }

  /**
   * What one epoch measured; held-out accuracy is NaN where no held-out set was given, train accuracy where the
   * objective has no labels.
   */
  public record EpochReport(int epoch, double trainLoss, double trainAccuracy, double heldOutAccuracy,
                            double lastLearningRate, double seconds) {}

  private final VitConfig config;
  private final Normalization normalization;
  private final Graph graph = new Graph();
  private final Session session;
  private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
  private final Placeholder<TFloat32> images;
  private final Placeholder<TInt32> labels;
  private final Operand<TFloat32> loss;
  private final Operand<TInt32> correct;
  private final PretrainObjective objective;
  /** The patches to mask, {@code [B, N]} (null for the supervised objective). */
  private final Placeholder<TFloat32> patchMask;
  /** The training pass's hits (null: an objective without labels). */
  private final Operand<TInt32> trainCorrect;
  private final Op step;
  private final Placeholder<TFloat32> learningRate;
  private final HostVariables state;

  /** A supervised pre-trainer. */
  public Pretrainer(VitConfig config, float learningRate, long seed) {
    this(config, seed, PretrainObjective.SUPERVISED);
  }

  /** A pre-trainer for {@code objective}; its recipes must name the same one. */
  public Pretrainer(VitConfig config, long seed, PretrainObjective objective) {
    if (config.upstreamClasses() < 2) {
      throw new IllegalArgumentException("pre-training needs upstream-classes >= 2, got " + config.upstreamClasses());
    }
    this.config = config;
    this.normalization = Normalization.of(config.normalization(), config.channels());
    Ops tf = Ops.create(graph);
    VitWeights init = VitWeights.random(config, seed);
    for (String name : init.names()) {
      WeightTensor w = init.get(name);
      variables.put(name, HostVariables.initialised(tf, name, w.shape(), w.values()));
    }
    VisionTransformer vit = new VisionTransformer(tf, config, variables);
    images = tf.placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, config.imageSize(), config.imageSize(), config.channels())));
    labels = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    Operand<TFloat32> logits = vit.linear(vit.features(images, null),
        variables.get(VitWeights.UPSTREAM_HEAD_KERNEL), variables.get(VitWeights.UPSTREAM_HEAD_BIAS));
    correct = hits(tf, logits);
    this.objective = objective;
    List<Variable<TFloat32>> maskedImageVariables = List.of();
    if (objective == PretrainObjective.SUPERVISED) {
      patchMask = null;
      loss = crossEntropy(tf, logits);
      trainCorrect = correct;
    } else {
      // The unmasked path above stays for the held-out accuracy; training runs the masked one.
      patchMask = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, config.numPatches())));
      MaskedImageHead head = new MaskedImageHead(tf, config, seed);
      maskedImageVariables = head.variables();
      Operand<TFloat32> tokens = vit.maskedTokens(images, patchMask, head.maskToken());
      Operand<TFloat32> reconstruction = head.loss(vit.patchTokens(tokens), images, patchMask);
      if (objective == PretrainObjective.MASKED_IMAGE) {
        loss = reconstruction;
        trainCorrect = null;
      } else {
        Operand<TFloat32> maskedLogits = vit.linear(vit.cls(tokens), variables.get(VitWeights.UPSTREAM_HEAD_KERNEL),
            variables.get(VitWeights.UPSTREAM_HEAD_BIAS));
        loss = tf.math.add(crossEntropy(tf, maskedLogits), reconstruction);
        trainCorrect = hits(tf, maskedLogits);
      }
    }
    this.learningRate = tf.withName("pretrain_learning_rate").placeholder(TFloat32.class,
        Placeholder.shape(Shape.scalar()));
    OrderedAdam adam = new OrderedAdam(graph, "pretrain.adam", this.learningRate);
    step = objective == PretrainObjective.MASKED_IMAGE ? stepWithoutUpstreamHead(tf, adam, maskedImageVariables)
        : adam.minimize(loss, "pretrain_step");
    state = HostVariables.ofEveryVariable(graph, tf, "pre-training variable");
    session = new Session(graph);
    session.initialize();
  }

  /**
   * Adam's step on every variable but the upstream head: a loss without labels does not reach the head, and
   * TensorFlow refuses the gradient of an unreachable variable. {@code headVariables}: the masked-image head's.
   */
  private Op stepWithoutUpstreamHead(Ops tf, OrderedAdam adam, List<Variable<TFloat32>> headVariables) {
    List<Variable<TFloat32>> trained = new ArrayList<>();
    variables.forEach((name, v) -> {
      if (!name.equals(VitWeights.UPSTREAM_HEAD_KERNEL) && !name.equals(VitWeights.UPSTREAM_HEAD_BIAS)) {
        trained.add(v);
      }
    });
    trained.addAll(headVariables);
    var gradients = tf.gradients(loss, trained);
    List<Optimizer.GradAndVar<? extends TType>> pairs = new ArrayList<>();
    for (int i = 0; i < trained.size(); i++) {
      pairs.add(new Optimizer.GradAndVar<>(gradients.<TFloat32>dy(i), trained.get(i).asOutput()));
    }
    return adam.applyGradients(pairs, "pretrain_step");
  }

  private Operand<TFloat32> crossEntropy(Ops tf, Operand<TFloat32> logits) {
    Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(config.upstreamClasses()), tf.constant(1f), tf.constant(0f));
    return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
  }

  private Operand<TInt32> hits(Ops tf, Operand<TFloat32> logits) {
    return tf.sum(tf.dtypes.cast(
        tf.math.equal(tf.math.argMax(logits, tf.constant(1), TInt32.class), labels), TInt32.class), tf.constant(0));
  }

  /** Runs the recipe on {@code train}, reporting each epoch. */
  public List<EpochReport> train(ImageSet train, Recipe recipe, java.util.function.Consumer<EpochReport> onEpoch) {
    return train(epoch -> train, null, recipe, 0, onEpoch);
  }

  /**
   * Runs epochs {@code firstEpoch} to the recipe's last on the set {@code trainFor} gives for each
   * epoch (0-based), measuring the upstream accuracy on {@code heldOut} (may be null) after each.
   */
  public List<EpochReport> train(java.util.function.IntFunction<ImageSet> trainFor, ImageSet heldOut, Recipe recipe,
                                 int firstEpoch, java.util.function.Consumer<EpochReport> onEpoch) {
    if (recipe.objective() != objective) {
      throw new IllegalArgumentException("recipe objective " + recipe.objective().key + " on a pre-trainer built for "
          + objective.key);
    }
    List<EpochReport> reports = new ArrayList<>();
    for (int epoch = firstEpoch; epoch < recipe.epochs(); epoch++) {
      long started = System.nanoTime();
      ImageSet train = trainFor.apply(epoch);
      long stepsPerEpoch = BatchIterator.batchesPerEpoch(train.size(), recipe.batchSize());
      ProgressBar bar = new ProgressBar("pretrain epoch " + (epoch + 1) + "/" + recipe.epochs(), (int) stepsPerEpoch);
      double lossSum = 0;
      long hits = 0;
      int seen = 0;
      double lr = 0;
      long stepIndex = epoch * stepsPerEpoch;
      BatchIterator batches = BatchIterator.shuffled(train, recipe.batchSize(), normalization, recipe.seed(), epoch);
      while (batches.hasNext()) {
        Batch b = batches.next();
        // The mask is drawn from the seed and the step's index, so a resumed run masks as an unbroken one.
        float[] mask = patchMask == null ? null
            : MaskedImageHead.randomMask(b.size(), config.numPatches(), recipe.maskRatio(), recipe.seed(), stepIndex);
        lr = recipe.learningRateAt(stepIndex++, stepsPerEpoch * recipe.epochs(), stepsPerEpoch);
        try (Tensor x = Tensors.floats(b.images(), (long) b.size(), config.imageSize(), config.imageSize(), config.channels());
             Tensor y = Tensors.ints(b.labels(), b.size());
             Tensor rate = TFloat32.scalarOf((float) lr);
             Tensor m = mask == null ? null : Tensors.floats(mask, (long) b.size(), config.numPatches());
             Result r = withHits(withMask(session.runner().feed(images, x).feed(labels, y).feed(learningRate, rate), m)
                 .fetch(loss)).addTarget(step).run()) {
          float batchLoss = Tensors.toFloat(r.get(0));
          if (!Float.isFinite(batchLoss)) {
            throw new TrainingException("pre-training loss became " + batchLoss + " in epoch " + (epoch + 1)
                + "; lower provpt.pretrain.learning-rate (now " + recipe.learningRate() + ")");
          }
          lossSum += batchLoss * b.size();
          hits += trainCorrect == null ? 0 : Tensors.toInts(r.get(1))[0];
          seen += b.size();
        }
        bar.step(String.format("loss %.4f acc %.3f", lossSum / seen, (double) hits / seen));
      }
      bar.finish();
      double heldOutAccuracy = heldOut == null ? Double.NaN : accuracy(heldOut);
      EpochReport report = new EpochReport(epoch + 1, lossSum / train.size(),
          trainCorrect == null ? Double.NaN : (double) hits / train.size(),
          heldOutAccuracy, lr, (System.nanoTime() - started) / 1e9);
      reports.add(report);
      onEpoch.accept(report);
    }
    return reports;
  }

  private Session.Runner withHits(Session.Runner runner) {
    return trainCorrect == null ? runner : runner.fetch(trainCorrect);
  }

  private Session.Runner withMask(Session.Runner runner, Tensor mask) {
    return mask == null ? runner : runner.feed(patchMask, mask);
  }

  /** Every variable of the training graph (weights, Adam's moments and powers), by name. */
  public Map<String, float[]> state() {
    return state.readAll(session);
  }

  /** Puts back what {@link #state()} returned (of a trainer of the same architecture). */
  public void restore(Map<String, float[]> values) {
    if (!values.keySet().equals(state.names())) {
      throw new IllegalArgumentException("pre-training state holds " + values.size() + " variables, this graph "
          + state.names().size() + "; was it saved for another architecture?");
    }
    state.writeAll(session, values);
  }

  /** Top-1 accuracy of the upstream head on {@code set}. */
  public double accuracy(ImageSet set) {
    long hits = 0;
    BatchIterator batches = BatchIterator.sequential(set, 256, normalization);
    while (batches.hasNext()) {
      Batch b = batches.next();
      try (Tensor x = Tensors.floats(b.images(), (long) b.size(), config.imageSize(), config.imageSize(), config.channels());
           Tensor y = Tensors.ints(b.labels(), b.size());
           Result r = session.runner().feed(images, x).feed(labels, y).fetch(correct).run()) {
        hits += Tensors.toInts(r.get(0))[0];
      }
    }
    return (double) hits / set.size();
  }

  /** The current weights, named as a backbone SavedModel names them. */
  public VitWeights weights() {
    Session.Runner runner = session.runner();
    List<String> names = new ArrayList<>(variables.keySet());
    names.forEach(n -> runner.fetch(variables.get(n)));
    Map<String, WeightTensor> out = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        out.put(names.get(i), new WeightTensor(names.get(i), r.get(i).shape().asArray(), Tensors.toFloats(r.get(i))));
      }
    }
    return new VitWeights(out);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
