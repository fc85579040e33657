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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;

/**
 * Where a training step's time goes, by TensorFlow kernel: a few steps traced with TensorFlow's step statistics,
 * each kernel's time summed by its op type (the kernel that actually ran: {@code _MklEinsum}, not {@code Einsum}).
 * Tracing adds a little to every kernel, so the shares count, not the absolute times.
 */
public final class StepProfile {
  private StepProfile() {}

  /** The kernels taking {@code top} largest shares of a VPT-Deep step (prompts per block {@code perBlock}). */
  public static Map<String, Object> measure(String name, VitConfig c, VitWeights weights, int perBlock, int batch,
      int steps, Variant variant, int threads, int top) {
    ImageSet data = StepBench.randomImages(c, batch * 2, 100);
    Normalization normalization = Normalization.of("none", c.channels());
    PromptMode mode = perBlock > 0 ? PromptMode.DEEP : PromptMode.NONE;
    int[] assignment = mode == PromptMode.DEEP ? TuningSession.uniformAssignment(c.depth(), perBlock) : new int[0];
    Map<String, double[]> byKernel = new HashMap<>(); // kernel -> {microseconds, count}
    // VPT-Deep's graph: no idleness gate
    try (PromptedModel model = PromptedModel.create(c, weights, new ModelShape(10, perBlock * c.depth(), mode,
        HeadInput.BACKBONE, Set.of()), variant.hyper(threads), 1)) {
      for (int i = 0; i < steps + 2; i++) {
        if (i == 2) { // the first calls pay for graph optimisation: untraced
          model.trace(metadata -> add(metadata, byKernel));
        }
        Batch b = BatchIterator.shuffled(data, batch, normalization, 1, i).next();
        model.train(b.images(), b.labels(), b.size(), assignment, i);
      }
      model.trace(null);
    }
    double total = byKernel.values().stream().mapToDouble(v -> v[0]).sum();
    List<Map.Entry<String, double[]>> sorted = new ArrayList<>(byKernel.entrySet());
    sorted.sort(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> e.getValue()[0]).reversed());
    List<Map<String, Object>> kernels = new ArrayList<>();
    for (Map.Entry<String, double[]> e : sorted.subList(0, Math.min(top, sorted.size()))) {
      Map<String, Object> k = new LinkedHashMap<>();
      k.put("kernel", e.getKey());
      k.put("ms_per_step", round(e.getValue()[0] / 1e3 / steps));
      k.put("share", round(e.getValue()[0] / total));
      k.put("per_step", Math.round(e.getValue()[1] / steps));
      kernels.add(k);
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("benchmark", "profile");
    line.put("model", name);
    line.put("batch", batch);
    line.put("prompts_per_block", perBlock);
    line.put("precision", variant.label());
    line.put("traced_steps", steps);
    line.put("kernel_ms_per_step", round(total / 1e3 / steps));
    line.put("kernels_per_step", Math.round(byKernel.values().stream().mapToDouble(v -> v[1]).sum() / steps));
    line.put("top", kernels);
    return line;
  }

  private static void add(RunMetadata metadata, Map<String, double[]> byKernel) {
    for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
      for (NodeExecStats node : device.getNodeStatsList()) {
        double[] sum = byKernel.computeIfAbsent(kernel(node), k -> new double[2]);
        sum[0] += node.getAllEndRelMicros();
        sum[1]++;
      }
    }
  }

  /** The kernel's op type: its timeline label reads "name = Type(inputs)"; the node name where it has none. */
  private static String kernel(NodeExecStats node) {
    String label = node.getTimelineLabel();
    int at = label.indexOf(" = ");
    if (at < 0) {
      return node.getNodeName();
    }
    int paren = label.indexOf('(', at);
    return label.substring(at + 3, paren < 0 ? label.length() : paren);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
