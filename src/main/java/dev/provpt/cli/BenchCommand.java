package dev.provpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.bench.EpochCostBench;
import dev.provpt.bench.MemoryBench;
import dev.provpt.bench.PackingBench;
import dev.provpt.bench.StepBench;
import dev.provpt.bench.StepProfile;
import dev.provpt.bench.Variant;
import dev.provpt.model.Backbone;
import dev.provpt.model.Precision;
import dev.provpt.model.VitWeights;
import dev.provpt.model.Xla;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures tuning and evaluation throughput, memory, epoch cost and sweep packing: the options, then one JSON line
 * per measured configuration on stdout. The measuring is the {@code bench} package's ({@link StepBench},
 * {@link MemoryBench}, {@link EpochCostBench}, {@link PackingBench}, {@link StepProfile}).
 */
@Command(name = "bench", description = "Benchmark training and evaluation steps; prints one JSON line per configuration.")
final class BenchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

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
    if (xla) {
      Xla.enableCpuAutoClustering(); // before the first session of the process runs
    }
    List<Variant> variants = variants();
    if (epochCost) {
      print(EpochCostBench.measure(experiment, epochCostEpochs));
    }
    steps(variants);
    if (memory && memoryInProcess) {
      VitWeights random = VitWeights.random(StepBench.VIT_B16, 1);
      for (int b : memoryBatches) {
        for (Variant v : variants) {
          print(MemoryBench.peak(StepBench.VIT_B16_NAME, StepBench.VIT_B16, random, memoryPromptsPerBlock, b, v,
              threads));
        }
      }
    } else if (memory) {
      for (int b : memoryBatches) {
        for (Variant v : variants) {
          MemoryBench.inFreshJvm(Main.class.getName(), memoryChildArgs(b, v), b, v).forEach(System.out::println);
        }
      }
    }
    if (packing) {
      int cores = Runtime.getRuntime().availableProcessors();
      List<String> layouts = packingLayouts != null ? packingLayouts
          : List.of("1x" + cores, cores + "x1", 2 * cores + "x1");
      print(PackingBench.measure(experiment, layouts,
          PackingBench.methods(packingMix == null ? List.of() : packingMix, packingRuns), packingEpochs));
    }
    return 0;
  }

  /** --precisions, each also with XLA on under --xla. */
  private List<Variant> variants() {
    List<Variant> variants = new ArrayList<>();
    for (String p : precisions) {
      Precision precision = Arrays.stream(Precision.values()).filter(v -> v.key.equals(p)).findFirst()
          .orElseThrow(() -> new CommandLine.ParameterException(new CommandLine(this),
              "--precisions: expected fp32 or bf16, got " + p));
      variants.add(new Variant(precision, Xla.OFF));
      if (xla) {
        variants.add(new Variant(precision, Xla.ON));
      }
    }
    return variants;
  }

  /** The step benchmarks: --backbone's, its kernel profile under --profile, then the ViT-B/16 shape's. */
  private void steps(List<Variant> variants) throws Exception {
    Backbone loaded = backboneBench || profile ? Backbone.load(backbone) : null;
    if (backboneBench) {
      for (int perBlock : promptsPerBlock) {
        StepBench.measure(backbone.toString(), loaded.config(), loaded.weights(), perBlock, batch, steps, variants,
            threads).forEach(BenchCommand::print);
      }
    }
    if (profile) {
      for (Variant v : variants) {
        print(StepProfile.measure(backbone.toString(), loaded.config(), loaded.weights(), 4, batch, steps, v,
            threads, 15));
      }
    }
    if (vitb) {
      VitWeights random = VitWeights.random(StepBench.VIT_B16, 1);
      for (int perBlock : vitbPromptsPerBlock) {
        StepBench.measure(StepBench.VIT_B16_NAME, StepBench.VIT_B16, random, perBlock, vitbBatch, vitbSteps, variants,
            threads).forEach(BenchCommand::print);
      }
    }
  }

  /** This command's options that make a child process measure one memory configuration (--memory-in-process). */
  private List<String> memoryChildArgs(int batchSize, Variant variant) {
    List<String> args = new ArrayList<>(List.of("bench", "--memory-in-process", "--no-epoch-cost",
        "--no-backbone-bench", "--no-vitb", "--precisions", variant.precision().key, "--memory-batches",
        Integer.toString(batchSize), "--memory-prompts-per-block", Integer.toString(memoryPromptsPerBlock),
        "--threads", Integer.toString(threads)));
    if (variant.xla() == Xla.ON) {
      args.add("--xla"); // measures the precision both without and with XLA: the XLA line is kept
    }
    return args;
  }

  private static void print(Map<String, Object> line) {
    try {
      System.out.println(JSON.writeValueAsString(line));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
