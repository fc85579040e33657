package dev.provpt.bench;

import dev.provpt.data.Batch;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.data.Shapes;
import dev.provpt.idleness.Estimator;
import dev.provpt.method.Method;
import dev.provpt.method.PromptMode;
import dev.provpt.model.Gelu;
import dev.provpt.model.ModelShape;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.VitConfig;
import dev.provpt.model.VitWeights;
import dev.provpt.train.TuningSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Tuning and evaluation throughput of one configuration (a backbone, prompts per block, a batch size) for every
 * {@link Variant} and every tuned model of {@link #tuned}: the models are built first, then their steps interleaved
 * (each round in a rotated order) on the same batches, so that the load of a shared machine falls on all of them
 * alike; ratios are to the first model. Java overhead is the share of a step's wall time spent outside TensorFlow's
 * Session.run (batch assembly, normalisation, tensor creation, feeding and fetching).
 */
public final class StepBench {
  /** A ViT-B/16-shaped graph (the paper's backbone), measured with random weights. */
  public static final VitConfig VIT_B16 = new VitConfig(224, 3, 16, 768, 12, 12, 3072, Gelu.EXACT, 1e-6, "inception", 0);
  /** How the lines name {@link #VIT_B16}. */
  public static final String VIT_B16_NAME = "vit-b16-shape (random weights)";

  /** What one measured model tunes: a method and the idleness estimators its steps measure. */
  record Tuned(Method method, Set<Estimator> estimators, String label) {}

  /** Summed wall and Session.run nanoseconds per model. */
  private record Timing(long[] nanos, long[] session) {}

  private final String name;
  private final VitConfig c;
  private final int perBlock;
  private final int batch;
  private final int steps;
  private final int threads;
  private final ImageSet data;
  private final Normalization normalization;
  private final List<Tuned> methods;
  private final List<Variant> variants = new ArrayList<>();
  private final List<Tuned> methodOf = new ArrayList<>();
  private final List<PromptedModel> models = new ArrayList<>();

  private StepBench(String name, VitConfig c, int perBlock, int batch, int steps, List<Variant> precisions,
      int threads) {
    this.name = name;
    this.c = c;
    this.perBlock = perBlock;
    this.batch = batch;
    this.steps = steps;
    this.threads = threads;
    data = randomImages(c, batch * 2, 100);
    normalization = Normalization.of("none", c.channels());
    methods = tuned(perBlock);
    for (Variant variant : precisions) {
      for (Tuned method : methods) {
        variants.add(variant);
        methodOf.add(method);
      }
    }
  }

  /**
   * With prompts: VPT-Deep (no idleness signal), PRO-VPT with its default estimator, and PRO-VPT measuring every
   * estimator (the idleness audit's runs, and every run's step before a graph held only its own estimator's
   * gates); without: the linear probe.
   */
  static List<Tuned> tuned(int perBlock) {
    if (perBlock == 0) {
      return List.of(new Tuned(Method.LINEAR, Set.of(), Method.LINEAR.key));
    }
    Estimator own = Estimator.INPUT_GATE;
    return List.of(new Tuned(Method.VPT_DEEP, Set.of(), Method.VPT_DEEP.key),
        new Tuned(Method.PRO_VPT, Set.of(own), Method.PRO_VPT.key + " (" + own.key + ")"),
        new Tuned(Method.PRO_VPT, Set.of(Estimator.values()), Method.PRO_VPT.key + " (every estimator)"));
  }

  /** One line per variant and tuned model: step time, images/s, speed-ups against the first, overheads, memory. */
  public static List<Map<String, Object>> measure(String name, VitConfig c, VitWeights weights, int perBlock,
      int batch, int steps, List<Variant> precisions, int threads) {
    StepBench bench = new StepBench(name, c, perBlock, batch, steps, precisions, threads);
    try {
      return bench.measure(weights);
    } finally {
      bench.models.forEach(PromptedModel::close);
    }
  }

  private List<Map<String, Object>> measure(VitWeights weights) {
    int n = variants.size();
    double[] buildSeconds = new double[n];
    for (int v = 0; v < n; v++) {
      long buildStart = System.nanoTime();
      Method method = methodOf.get(v).method();
      models.add(PromptedModel.create(c, weights, new ModelShape(10, perBlock * c.depth(), method.layout(),
          method.headInput(), methodOf.get(v).estimators()), variants.get(v).hyper(threads), 1));
      buildSeconds[v] = (System.nanoTime() - buildStart) / 1e9;
    }
    int[] assignment = perBlock > 0 ? TuningSession.uniformAssignment(c.depth(), perBlock) : new int[0];
    double[] firstStepSeconds = warmUp(assignment);
    Timing train = timed(assignment, true);
    Timing eval = timed(assignment, false);
    List<Map<String, Object>> lines = new ArrayList<>();
    for (int v = 0; v < n; v++) {
      lines.add(line(v, train, eval, buildSeconds[v], firstStepSeconds[v]));
    }
    return lines;
  }

  /** The first calls pay for graph optimisation (and XLA compilation) and memory allocation: untimed but the first. */
  private double[] warmUp(int[] assignment) {
    double[] firstStepSeconds = new double[models.size()];
    for (int i = 0; i < 2; i++) {
      Batch b = BatchIterator.shuffled(data, batch, normalization, 1, i).next();
      for (int v = 0; v < models.size(); v++) {
        long t = System.nanoTime();
        models.get(v).train(b.images(), b.labels(), b.size(), assignment, i);
        if (i == 0) {
          firstStepSeconds[v] = (System.nanoTime() - t) / 1e9;
        }
        models.get(v).evaluate(b.images(), b.labels(), b.size(), assignment);
      }
    }
    return firstStepSeconds;
  }

  /** {@link #steps} rounds of training (or evaluation) steps, each round over every model in a rotated order. */
  private Timing timed(int[] assignment, boolean train) {
    int n = models.size();
    Timing timing = new Timing(new long[n], new long[n]);
    for (int i = 0; i < steps; i++) {
      Batch b = BatchIterator.shuffled(data, batch, normalization, train ? 2 : 3, i).next();
      for (int k = 0; k < n; k++) {
        int v = (i + k) % n;
        PromptedModel model = models.get(v);
        long session = model.sessionNanos();
        long t = System.nanoTime();
        if (train) {
          model.train(b.images(), b.labels(), b.size(), assignment, i);
        } else {
          model.evaluate(b.images(), b.labels(), b.size(), assignment);
        }
        timing.nanos()[v] += System.nanoTime() - t;
        timing.session()[v] += model.sessionNanos() - session;
      }
    }
    return timing;
  }

  private Map<String, Object> line(int v, Timing train, Timing eval, double buildSeconds, double firstStepSeconds) {
    long trainNanos = train.nanos()[v];
    long evalNanos = eval.nanos()[v];
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("model", name);
    line.put("method", methodOf.get(v).label());
    line.put("architecture", c.describe());
    line.put("precision", models.get(v).precision().key);
    line.put("xla", variants.get(v).xla().key);
    line.put("batch", batch);
    line.put("prompts_per_block", perBlock);
    line.put("tokens_per_block", c.baseTokens() + perBlock);
    line.put("train_step_ms", round(trainNanos / 1e6 / steps));
    line.put("train_images_per_s", round(batch * steps / (trainNanos / 1e9)));
    line.put("eval_images_per_s", round(batch * steps / (evalNanos / 1e9)));
    String first = variants.get(0).label() + (methods.size() > 1 ? "_" + methodOf.get(0).method().key : "");
    line.put("train_speedup_vs_" + first, round((double) train.nanos()[0] / trainNanos));
    line.put("eval_speedup_vs_" + first, round((double) eval.nanos()[0] / evalNanos));
    line.put("java_overhead_pct", round(100.0 * (trainNanos - train.session()[v]) / trainNanos));
    line.put("eval_java_overhead_pct", round(100.0 * (evalNanos - eval.session()[v]) / evalNanos));
    line.put("graph_build_s", round(buildSeconds));
    line.put("first_step_s", round(firstStepSeconds));
    line.put("peak_rss_mb", Rss.peakMb());
    line.put("steps", steps);
    line.put("threads", threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    return line;
  }

  /** {@code n} images of uniform random pixels, labels 0..9 in turn. */
  static ImageSet randomImages(VitConfig c, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] pixels = new float[n * c.imageSize() * c.imageSize() * c.channels()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 10;
    }
    return new ImageSet("bench", c.imageSize(), c.imageSize(), c.channels(), pixels, labels, 10, Shapes.CLASS_NAMES);
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
