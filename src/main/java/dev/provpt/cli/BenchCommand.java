package dev.provpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.data.Batch;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.data.Shapes;
import dev.provpt.model.Backbone;
import dev.provpt.model.Gelu;
import dev.provpt.model.PromptMode;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.VitConfig;
import dev.provpt.model.VitWeights;
import dev.provpt.train.TuningSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures tuning and evaluation throughput. One JSON line per configuration on stdout; Java
 * overhead is the share of a step's wall time spent outside TensorFlow's Session.run (batch
 * assembly, normalisation, tensor creation, feeding and fetching).
 */
@Command(name = "bench", description = "Benchmark training and evaluation steps; prints one JSON line per configuration.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--backbone", description = "backbone directory (default: ${DEFAULT-VALUE})")
  Path backbone = Path.of("models/fmnist-vit8");

  @Option(names = "--prompts-per-block", split = ",", description = "prompt counts per block to measure (default: 0,4,8)")
  List<Integer> promptsPerBlock = List.of(0, 4, 8);

  @Option(names = "--batch", description = "batch size for the backbone (default: ${DEFAULT-VALUE})")
  int batch = 64;

  @Option(names = "--steps", description = "timed training steps per configuration (default: ${DEFAULT-VALUE})")
  int steps = 20;

  // picocli: a negatable option that defaults to true is declared by its negative name, so that
  // --no-x sets false (declared as --x, --no-x would set the default, true).
  @Option(names = "--no-backbone-bench", negatable = true,
      description = "measure --backbone (default: true; --no-backbone-bench measures only the ViT-B/16 shape)")
  boolean backboneBench = true;

  @Option(names = "--no-vitb", negatable = true, description = "also measure a ViT-B/16-shaped graph (default: true)")
  boolean vitb = true;

  @Option(names = "--vitb-batch", description = "batch size for the ViT-B/16 shape (default: ${DEFAULT-VALUE})")
  int vitbBatch = 4;

  @Option(names = "--vitb-steps", description = "timed steps for the ViT-B/16 shape (default: ${DEFAULT-VALUE})")
  int vitbSteps = 3;

  @Option(names = "--vitb-prompts-per-block", split = ",", description = "(default: 0,10)")
  List<Integer> vitbPromptsPerBlock = List.of(0, 10);

  @Option(names = "--no-epoch-cost", negatable = true,
      description = "also compare a PRO-VPT epoch with a VPT-Deep epoch on the default task (default: true)")
  boolean epochCost = true;

  @Option(names = "--epoch-cost-epochs", description = "epochs per run for --epoch-cost (default: ${DEFAULT-VALUE})")
  int epochCostEpochs = 8;

  @Option(names = {"-c", "--config"}, description = "experiment for --epoch-cost (default: application.conf)")
  Path experiment = Path.of("application.conf");

  @Override
  public Integer call() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Map<String, Object>> lines = new ArrayList<>();
    if (epochCost) {
      print(json, EpochCostBench.measure(experiment, epochCostEpochs));
    }
    if (backboneBench) {
      Backbone loaded = Backbone.load(backbone);
      for (int perBlock : promptsPerBlock) {
        lines.add(measure(backbone.toString(), loaded.config(), loaded.weights(), perBlock, batch, steps));
        print(json, lines.get(lines.size() - 1));
      }
    }
    if (vitb) {
      VitConfig vitB16 = new VitConfig(224, 3, 16, 768, 12, 12, 3072, Gelu.EXACT, 1e-6, "inception", 0);
      VitWeights random = VitWeights.random(vitB16, 1);
      for (int perBlock : vitbPromptsPerBlock) {
        lines.add(measure("vit-b16-shape (random weights)", vitB16, random, perBlock, vitbBatch, vitbSteps));
        print(json, lines.get(lines.size() - 1));
      }
    }
    return 0;
  }

  private static void print(ObjectMapper json, Map<String, Object> line) {
    try {
      System.out.println(json.writeValueAsString(line));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> measure(String name, VitConfig c, VitWeights weights, int perBlock, int batch, int steps) {
    ImageSet data = randomImages(c, batch * 2, 100);
    Normalization normalization = Normalization.of("none", c.channels());
    PromptMode mode = perBlock > 0 ? PromptMode.DEEP : PromptMode.NONE;
    int prompts = perBlock * c.depth();
    long buildStart = System.nanoTime();
    try (PromptedModel model = PromptedModel.create(c, weights, 10, prompts, mode,
        new PromptedModel.Hyper(0.01f, 0.9f, 1e-4f, 0.25f, 0.1f), 1)) {
      double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
      int[] assignment = mode == PromptMode.DEEP ? TuningSession.uniformAssignment(c.depth(), perBlock) : new int[0];
      // warm-up: the first calls pay for graph optimisation and memory allocation
      for (int i = 0; i < 2; i++) {
        Batch b = BatchIterator.shuffled(data, batch, normalization, 1, i).next();
        model.train(b.images(), b.labels(), b.size(), assignment, i);
        model.evaluate(b.images(), b.labels(), b.size(), assignment);
      }
      long sessionBefore = model.sessionNanos();
      long started = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        Batch b = BatchIterator.shuffled(data, batch, normalization, 2, i).next();
        model.train(b.images(), b.labels(), b.size(), assignment, i);
      }
      long trainNanos = System.nanoTime() - started;
      long trainSession = model.sessionNanos() - sessionBefore;
      sessionBefore = model.sessionNanos();
      started = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        Batch b = BatchIterator.shuffled(data, batch, normalization, 3, i).next();
        model.evaluate(b.images(), b.labels(), b.size(), assignment);
      }
      long evalNanos = System.nanoTime() - started;
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("model", name);
      line.put("architecture", c.describe());
      line.put("batch", batch);
      line.put("prompts_per_block", perBlock);
      line.put("tokens_per_block", c.baseTokens() + perBlock);
      line.put("train_step_ms", round(trainNanos / 1e6 / steps));
      line.put("train_images_per_s", round(batch * steps / (trainNanos / 1e9)));
      line.put("eval_images_per_s", round(batch * steps / (evalNanos / 1e9)));
      line.put("java_overhead_pct", round(100.0 * (trainNanos - trainSession) / trainNanos));
      line.put("eval_java_overhead_pct", round(100.0 * (evalNanos - (model.sessionNanos() - sessionBefore)) / evalNanos));
      line.put("graph_build_s", round(buildSeconds));
      line.put("peak_rss_mb", peakRssMb());
      line.put("steps", steps);
      line.put("threads", Runtime.getRuntime().availableProcessors());
      return line;
    }
  }

  private static ImageSet randomImages(VitConfig c, int n, long seed) {
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

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** Peak resident set size of this process (VmHWM), or -1 where /proc is not available. */
  static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }
}
