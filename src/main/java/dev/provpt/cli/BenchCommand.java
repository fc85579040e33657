package dev.provpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.data.Batch;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.data.Shapes;
import dev.provpt.idleness.Estimator;
import dev.provpt.method.Method;
import dev.provpt.method.PromptMode;
import dev.provpt.model.Backbone;
import dev.provpt.model.Gelu;
import dev.provpt.model.ModelShape;
import dev.provpt.model.Precision;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.VitConfig;
import dev.provpt.model.VitWeights;
import dev.provpt.model.Xla;
import dev.provpt.train.TuningSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  @Option(names = {"-c", "--config"}, description = "experiment for --epoch-cost and --packing (default: application.conf)")
  Path experiment = Path.of("application.conf");

  @Option(names = "--precisions", split = ",", description = "precisions measured side by side, steps interleaved "
      + "(default: fp32,bf16; bf16 where the CPU lacks it runs fp32 and says so)")
  List<String> precisions = List.of("fp32", "bf16");

  @Option(names = "--xla", description = "also measure every precision with TensorFlow's XLA JIT on (default: off)")
  boolean xla;

  @Option(names = "--threads", description = "TensorFlow threads of the step benchmarks; 0: all cores (default: 0)")
  int threads;

  @Option(names = "--no-memory", negatable = true,
      description = "measure the peak RSS of ViT-B/16 VPT-Deep tuning at --memory-batches in each precision (default: true)")
  boolean memory = true;

  @Option(names = "--memory-batches", split = ",", description = "(default: 4,16,64)")
  List<Integer> memoryBatches = List.of(4, 16, 64);

  @Option(names = "--memory-prompts-per-block", description = "prompts per block for --memory-batches (default: 10)")
  int memoryPromptsPerBlock = 10;

  /** Measure the memory configurations in this process (the bench starts one such process per configuration). */
  @Option(names = "--memory-in-process", hidden = true)
  boolean memoryInProcess;

  @Option(names = "--packing", description = "also measure sweep throughput (runs per hour) for --packing-layouts")
  boolean packing;

  @Option(names = "--packing-layouts", split = ",",
      description = "RUNSxTHREADS layouts for --packing (default: 1x<cores>,<cores>x1,<2*cores>x1), each optionally "
          + "with settings of its own: 1x2:train.cache-features=false;precision=fp32")
  List<String> packingLayouts;

  @Option(names = "--packing-mix", split = ",",
      description = "the runs of each --packing layout as a method mix, METHOD:COUNT,... (e.g. the suite's: "
          + "vpt-deep:3,pro-vpt:1,linear:3,vpt-shallow:3); default: --packing-runs runs of the experiment's method")
  List<String> packingMix;

  @Option(names = "--packing-runs", description = "runs per layout for --packing (default: ${DEFAULT-VALUE})")
  int packingRuns = 4;

  @Option(names = "--packing-epochs", description = "epochs per run for --packing (default: ${DEFAULT-VALUE})")
  int packingEpochs = 6;

  @Option(names = "--profile", description = "also print where a VPT-Deep training step's time goes on --backbone, "
      + "by TensorFlow kernel, for each precision (4 prompts per block, --batch, --steps traced steps)")
  boolean profile;

  @Override
  public Integer call() throws Exception {
    ObjectMapper json = new ObjectMapper();
    if (xla) {
      Xla.enableCpuAutoClustering(); // before the first session of the process runs
    }
    List<Variant> variants = new ArrayList<>();
    for (String p : precisions) {
      Precision precision = Arrays.stream(Precision.values()).filter(v -> v.key.equals(p)).findFirst()
          .orElseThrow(() -> new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
              "--precisions: expected fp32 or bf16, got " + p));
      variants.add(new Variant(precision, Xla.OFF));
      if (xla) {
        variants.add(new Variant(precision, Xla.ON));
      }
    }
    if (epochCost) {
      print(json, EpochCostBench.measure(experiment, epochCostEpochs));
    }
    Backbone loaded = backboneBench || profile ? Backbone.load(backbone) : null;
    if (backboneBench) {
      for (int perBlock : promptsPerBlock) {
        for (Map<String, Object> line : measure(backbone.toString(), loaded.config(), loaded.weights(), perBlock, batch,
            steps, variants, threads)) {
          print(json, line);
        }
      }
    }
    if (profile) {
      for (Variant v : variants) {
        print(json, StepProfile.measure(backbone.toString(), loaded.config(), loaded.weights(), 4, batch, steps, v,
            threads, 15));
      }
    }
    VitConfig vitB16 = new VitConfig(224, 3, 16, 768, 12, 12, 3072, Gelu.EXACT, 1e-6, "inception", 0);
    if (vitb) {
      VitWeights random = VitWeights.random(vitB16, 1);
      for (int perBlock : vitbPromptsPerBlock) {
        for (Map<String, Object> line : measure("vit-b16-shape (random weights)", vitB16, random, perBlock, vitbBatch,
            vitbSteps, variants, threads)) {
          print(json, line);
        }
      }
    }
    if (memory && memoryInProcess) {
      VitWeights random = VitWeights.random(vitB16, 1);
      for (int b : memoryBatches) {
        for (Variant v : variants) {
          print(json, peakMemory("vit-b16-shape (random weights)", vitB16, random, memoryPromptsPerBlock, b, v,
              threads));
        }
      }
    } else if (memory) {
      // one fresh process per configuration: freed memory stays resident in a process (TensorFlow's and
      // the C library's allocators keep it), so a second configuration's peak would hide under the first's
      for (int b : memoryBatches) {
        for (Variant v : variants) {
          memoryInChild(b, v);
        }
      }
    }
    if (packing) {
      int cores = Runtime.getRuntime().availableProcessors();
      List<String> layouts = packingLayouts != null ? packingLayouts
          : List.of("1x" + cores, cores + "x1", 2 * cores + "x1");
      print(json, PackingBench.measure(experiment, layouts,
          PackingBench.methods(packingMix == null ? List.of() : packingMix, packingRuns), packingEpochs));
    }
    return 0;
  }

  /** One configuration of the tuning graph measured side by side with the others. */
  record Variant(Precision precision, Xla xla) {
    String label() {
      return precision.key + (xla == Xla.ON ? "+xla" : "");
    }
  }

  private static void print(ObjectMapper json, Map<String, Object> line) {
    try {
      System.out.println(json.writeValueAsString(line));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What one measured model tunes: a method and the idleness estimators its steps measure. */
  record Tuned(Method method, Set<Estimator> estimators, String label) {}

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

  /**
   * Every variant's train step and eval throughput on one configuration for each of {@link #tuned}: the models
   * are built first, then their steps interleaved (each round in a rotated order) on the same batches, so that
   * the load of this shared machine falls on all of them alike; ratios are to the first model.
   */
  static List<Map<String, Object>> measure(String name, VitConfig c, VitWeights weights, int perBlock, int batch,
      int steps, List<Variant> precisions, int threads) {
    ImageSet data = randomImages(c, batch * 2, 100);
    Normalization normalization = Normalization.of("none", c.channels());
    PromptMode mode = perBlock > 0 ? PromptMode.DEEP : PromptMode.NONE;
    int prompts = perBlock * c.depth();
    List<Tuned> methods = tuned(perBlock);
    List<Variant> variants = new ArrayList<>();
    List<Tuned> methodOf = new ArrayList<>();
    for (Variant variant : precisions) {
      for (Tuned method : methods) {
        variants.add(variant);
        methodOf.add(method);
      }
    }
    int n = variants.size();
    List<PromptedModel> models = new ArrayList<>();
    double[] buildSeconds = new double[n];
    try {
      for (int v = 0; v < n; v++) {
        long buildStart = System.nanoTime();
        Method method = methodOf.get(v).method();
        models.add(PromptedModel.create(c, weights, new ModelShape(10, prompts, method.layout(), method.headInput(),
            methodOf.get(v).estimators()), hyper(variants.get(v), threads), 1));
        buildSeconds[v] = (System.nanoTime() - buildStart) / 1e9;
      }
      int[] assignment = mode == PromptMode.DEEP ? TuningSession.uniformAssignment(c.depth(), perBlock) : new int[0];
      // warm-up: the first calls pay for graph optimisation (and XLA compilation) and memory allocation
      double[] firstStepSeconds = new double[n];
      for (int i = 0; i < 2; i++) {
        Batch b = BatchIterator.shuffled(data, batch, normalization, 1, i).next();
        for (int v = 0; v < n; v++) {
          long t = System.nanoTime();
          models.get(v).train(b.images(), b.labels(), b.size(), assignment, i);
          if (i == 0) {
            firstStepSeconds[v] = (System.nanoTime() - t) / 1e9;
          }
          models.get(v).evaluate(b.images(), b.labels(), b.size(), assignment);
        }
      }
      long[] trainNanos = new long[n];
      long[] trainSession = new long[n];
      long[] evalNanos = new long[n];
      long[] evalSession = new long[n];
      for (int i = 0; i < steps; i++) {
        Batch b = BatchIterator.shuffled(data, batch, normalization, 2, i).next();
        for (int k = 0; k < n; k++) {
          int v = (i + k) % n;
          long session = models.get(v).sessionNanos();
          long t = System.nanoTime();
          models.get(v).train(b.images(), b.labels(), b.size(), assignment, i);
          trainNanos[v] += System.nanoTime() - t;
          trainSession[v] += models.get(v).sessionNanos() - session;
        }
      }
      for (int i = 0; i < steps; i++) {
        Batch b = BatchIterator.shuffled(data, batch, normalization, 3, i).next();
        for (int k = 0; k < n; k++) {
          int v = (i + k) % n;
          long session = models.get(v).sessionNanos();
          long t = System.nanoTime();
          models.get(v).evaluate(b.images(), b.labels(), b.size(), assignment);
          evalNanos[v] += System.nanoTime() - t;
          evalSession[v] += models.get(v).sessionNanos() - session;
        }
      }
      List<Map<String, Object>> lines = new ArrayList<>();
      for (int v = 0; v < n; v++) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("model", name);
        line.put("method", methodOf.get(v).label());
        line.put("architecture", c.describe());
        line.put("precision", models.get(v).precision().key);
        line.put("xla", variants.get(v).xla().key);
        line.put("batch", batch);
        line.put("prompts_per_block", perBlock);
        line.put("tokens_per_block", c.baseTokens() + perBlock);
        line.put("train_step_ms", round(trainNanos[v] / 1e6 / steps));
        line.put("train_images_per_s", round(batch * steps / (trainNanos[v] / 1e9)));
        line.put("eval_images_per_s", round(batch * steps / (evalNanos[v] / 1e9)));
        String first = variants.get(0).label() + (methods.size() > 1 ? "_" + methodOf.get(0).method().key : "");
        line.put("train_speedup_vs_" + first, round((double) trainNanos[0] / trainNanos[v]));
        line.put("eval_speedup_vs_" + first, round((double) evalNanos[0] / evalNanos[v]));
        line.put("java_overhead_pct", round(100.0 * (trainNanos[v] - trainSession[v]) / trainNanos[v]));
        line.put("eval_java_overhead_pct", round(100.0 * (evalNanos[v] - evalSession[v]) / evalNanos[v]));
        line.put("graph_build_s", round(buildSeconds[v]));
        line.put("first_step_s", round(firstStepSeconds[v]));
        line.put("peak_rss_mb", peakRssMb());
        line.put("steps", steps);
        line.put("threads", threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        lines.add(line);
      }
      return lines;
    } finally {
      models.forEach(PromptedModel::close);
    }
  }

  private void memoryInChild(int batchSize, Variant variant) throws Exception {
    String javaCommand = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(javaCommand));
    command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-Xmx")).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench",
        "--memory-in-process", "--no-epoch-cost", "--no-backbone-bench", "--no-vitb",
        "--precisions", variant.precision().key, "--memory-batches", Integer.toString(batchSize),
        "--memory-prompts-per-block", Integer.toString(memoryPromptsPerBlock), "--threads", Integer.toString(threads)));
    if (variant.xla() == Xla.ON) {
      command.add("--xla"); // measures the precision both without and with XLA: keep the XLA line only
    }
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
        .lines().filter(l -> l.startsWith("{")).toList();
    if (child.waitFor() != 0) {
      throw new IllegalStateException("memory benchmark process for batch " + batchSize + ", " + variant.label()
          + " failed with exit code " + child.exitValue());
    }
    for (String line : out) {
      if (line.contains("\"xla\":\"" + variant.xla().key + "\"")) {
        System.out.println(line);
      }
    }
  }

  static PromptedModel.Hyper hyper(Variant variant, int threads) {
    return new PromptedModel.Hyper(0.01f, 0.9f, 1e-4f, 0.25f, 0.1f, threads, variant.precision(), variant.xla());
  }

  /**
   * Peak RSS of building one VPT-Deep tuning model and running one training step and one
   * evaluation: the process's high-water mark is reset first (/proc/self/clear_refs), so the figure
   * is this configuration's peak; {@code rss_before_mb} is what the process held when it started.
   */
  static Map<String, Object> peakMemory(String name, VitConfig c, VitWeights weights, int perBlock, int batch,
      Variant variant, int threads) {
    ImageSet data = randomImages(c, batch, 100);
    Normalization normalization = Normalization.of("none", c.channels());
    System.gc();
    boolean reset = resetPeakRss();
    long before = rssMb();
    Map<String, Object> line = new LinkedHashMap<>();
    try (PromptedModel model = PromptedModel.create(c, weights, new ModelShape(10, perBlock * c.depth(),
        PromptMode.DEEP, dev.provpt.method.HeadInput.BACKBONE, java.util.Set.of()), hyper(variant, threads), 1)) {
      int[] assignment = TuningSession.uniformAssignment(c.depth(), perBlock);
      Batch b = BatchIterator.shuffled(data, batch, normalization, 1, 0).next();
      long t = System.nanoTime();
      model.train(b.images(), b.labels(), b.size(), assignment, 0);
      double trainSeconds = (System.nanoTime() - t) / 1e9;
      model.evaluate(b.images(), b.labels(), b.size(), assignment);
      line.put("benchmark", "memory");
      line.put("model", name);
      line.put("precision", model.precision().key);
      line.put("xla", variant.xla().key);
      line.put("batch", batch);
      line.put("prompts_per_block", perBlock);
      line.put("peak_rss_mb", reset ? peakRssMb() : -1);
      line.put("rss_before_mb", before);
      line.put("first_train_step_s", round(trainSeconds));
      line.put("threads", threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    }
    return line;
  }

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

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** Peak resident set size of this process (VmHWM), or -1 where /proc is not available. */
  static long peakRssMb() {
    return statusMb("VmHWM:");
  }

  /** Resident set size of this process now (VmRSS), or -1. */
  static long rssMb() {
    return statusMb("VmRSS:");
  }

  private static long statusMb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  /** Resets VmHWM to the current RSS (Linux: "5" into /proc/self/clear_refs); false where that is not possible. */
  static boolean resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
