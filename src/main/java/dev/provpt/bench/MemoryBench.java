package dev.provpt.bench;

import dev.provpt.data.Batch;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.method.HeadInput;
import dev.provpt.method.PromptMode;
import dev.provpt.model.ModelShape;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.VitConfig;
import dev.provpt.model.VitWeights;
import dev.provpt.train.TuningSession;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Peak memory of VPT-Deep tuning. Each configuration is measured in a fresh process ({@link #inFreshJvm}): freed
 * memory stays resident in a process (TensorFlow's and the C library's allocators keep it), so a second
 * configuration's peak would hide under the first's.
 */
public final class MemoryBench {
  private MemoryBench() {}

  /**
   * Peak RSS of building one VPT-Deep tuning model and running one training step and one
   * evaluation: the process's high-water mark is reset first (/proc/self/clear_refs), so the figure
   * is this configuration's peak; {@code rss_before_mb} is what the process held when it started.
   */
  public static Map<String, Object> peak(String name, VitConfig c, VitWeights weights, int perBlock, int batch,
      Variant variant, int threads) {
    ImageSet data = StepBench.randomImages(c, batch, 100);
    Normalization normalization = Normalization.of("none", c.channels());
    System.gc();
    boolean reset = Rss.resetPeak();
    long before = Rss.nowMb();
    Map<String, Object> line = new LinkedHashMap<>();
    try (PromptedModel model = PromptedModel.create(c, weights, new ModelShape(10, perBlock * c.depth(),
        PromptMode.DEEP, HeadInput.BACKBONE, Set.of()), variant.hyper(threads), 1)) {
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
      line.put("peak_rss_mb", reset ? Rss.peakMb() : -1);
      line.put("rss_before_mb", before);
      line.put("first_train_step_s", StepBench.round(trainSeconds));
      line.put("threads", threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    }
    return line;
  }

  /**
   * Runs {@code mainClass} with {@code args} in a fresh JVM (this one's class path and -Xmx) that measures one
   * configuration of {@code batch} and {@code variant}, and returns its JSON lines for that variant's XLA setting
   * (a child asked for XLA measures its precision both without and with it).
   */
  public static List<String> inFreshJvm(String mainClass, List<String> args, int batch, Variant variant)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-Xmx")).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .lines().filter(l -> l.startsWith("{")).toList();
    if (child.waitFor() != 0) {
      throw new IllegalStateException("memory benchmark process for batch " + batch + ", " + variant.label()
          + " failed with exit code " + child.exitValue());
    }
    return out.stream().filter(line -> line.contains("\"xla\":\"" + variant.xla().key + "\"")).toList();
  }
}
