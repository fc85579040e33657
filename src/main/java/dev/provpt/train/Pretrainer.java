package dev.provpt.train;

import dev.provpt.data.Batch;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.model.VisionTransformer;
import dev.provpt.model.VitConfig;
import dev.provpt.model.VitWeights;
import dev.provpt.model.WeightTensor;
import dev.provpt.report.ProgressBar;
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
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Trains a whole ViT (backbone and upstream head) from scratch with Adam: the way the shipped
 * backbone is made. Uses the same graph builder and the same preprocessing as tuning.
 */
public final class Pretrainer implements AutoCloseable {
  /** Recipe of a pre-training run. */
  public record Recipe(int epochs, int batchSize, float learningRate, long seed) {}

  /** What one epoch measured. */
  public record EpochReport(int epoch, double trainLoss, double trainAccuracy, double seconds) {}

  private final VitConfig config;
  private final Normalization normalization;
  private final Graph graph = new Graph();
  private final Session session;
  private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
  private final Placeholder<TFloat32> images;
  private final Placeholder<TInt32> labels;
  private final Operand<TFloat32> loss;
  private final Operand<TInt32> correct;
  private final Op step;

  public Pretrainer(VitConfig config, float learningRate, long seed) {
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
    Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(config.upstreamClasses()), tf.constant(1f), tf.constant(0f));
    loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
    correct = tf.sum(tf.dtypes.cast(
        tf.math.equal(tf.math.argMax(logits, tf.constant(1), TInt32.class), labels), TInt32.class), tf.constant(0));
    step = new OrderedAdam(graph, "pretrain.adam", learningRate).minimize(loss, "pretrain_step");
    session = new Session(graph);
    session.initialize();
  }

  /** Runs the recipe on {@code train}, reporting each epoch. */
  public List<EpochReport> train(ImageSet train, Recipe recipe, java.util.function.Consumer<EpochReport> onEpoch) {
    List<EpochReport> reports = new ArrayList<>();
    for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
      long started = System.nanoTime();
      ProgressBar bar = new ProgressBar("pretrain epoch " + (epoch + 1) + "/" + recipe.epochs(),
          BatchIterator.batchesPerEpoch(train.size(), recipe.batchSize()));
      double lossSum = 0;
      long hits = 0;
      int seen = 0;
      BatchIterator batches = BatchIterator.shuffled(train, recipe.batchSize(), normalization, recipe.seed(), epoch);
      while (batches.hasNext()) {
        Batch b = batches.next();
        try (Tensor x = Tensors.floats(b.images(), (long) b.size(), config.imageSize(), config.imageSize(), config.channels());
             Tensor y = Tensors.ints(b.labels(), b.size());
             Result r = session.runner().feed(images, x).feed(labels, y).fetch(loss).fetch(correct)
                 .addTarget(step).run()) {
          float batchLoss = Tensors.toFloat(r.get(0));
          if (!Float.isFinite(batchLoss)) {
            throw new TrainingException("pre-training loss became " + batchLoss + " in epoch " + (epoch + 1)
                + "; lower provpt.pretrain.learning-rate (now " + recipe.learningRate() + ")");
          }
          lossSum += batchLoss * b.size();
          hits += Tensors.toInts(r.get(1))[0];
          seen += b.size();
        }
        bar.step(String.format("loss %.4f acc %.3f", lossSum / seen, (double) hits / seen));
      }
      bar.finish();
      EpochReport report = new EpochReport(epoch + 1, lossSum / train.size(), (double) hits / train.size(),
          (System.nanoTime() - started) / 1e9);
      reports.add(report);
      onEpoch.accept(report);
    }
    return reports;
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
