package dev.provpt.model;

import dev.provpt.method.HeadInput;
import dev.provpt.method.PromptMode;
import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Exports a tuned model as a self-contained SavedModel: backbone, prompts (with their block
 * assignment) and head in its variables; {@code serving_default}: images → logits.
 */
public final class TunedModelExport {
  /** The class names beside the export, one a line in label order (what provpt predict labels with). */
  public static final String CLASS_NAMES = "classes.txt";

  private TunedModelExport() {}

  /** Writes {@code names} to {@link #CLASS_NAMES} in {@code directory}. */
  public static void writeClassNames(Path directory, java.util.List<String> names) throws IOException {
    java.nio.file.Files.write(directory.resolve(CLASS_NAMES), names);
  }

  /** The class names of an export, or empty when it has none (exported before provpt wrote them). */
  public static java.util.List<String> readClassNames(Path directory) throws IOException {
    Path file = directory.resolve(CLASS_NAMES);
    return java.nio.file.Files.isRegularFile(file) ? java.nio.file.Files.readAllLines(file) : java.util.List.of();
  }

  public static void export(Path directory, VitConfig config, VitWeights backbone, PromptedModel tuned,
      int[] assignment) throws IOException {
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      FrozenWeights frozen = new FrozenWeights(tf);
      HeadInput input = tuned.shape().headInput();
      for (String name : VitWeights.expectedShapes(config).keySet()) {
        if (!name.startsWith("upstream_head") && input.runsBackbone()) {
          frozen.add(backbone.get(name));
        }
      }
      VisionTransformer vit = new VisionTransformer(tf, config, frozen.variables());
      Placeholder<TFloat32> images = tf.withName("images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, config.imageSize(), config.imageSize(), config.channels())));
      VisionTransformer.PromptInputs prompts = null;
      if (tuned.promptCount() > 0) {
        prompts = new VisionTransformer.PromptInputs(
            frozen.add(PromptedModel.POOL, tuned.read(PromptedModel.POOL), tuned.promptCount(), config.width()),
            tf.constant(assignment), null, null, tuned.mode() == PromptMode.SHALLOW);
      }
      Operand<TFloat32> logits = tf.withName("logits").identity(vit.linear(
          PromptedGraph.headInput(tf, vit, config, input, images, prompts),
          frozen.add(PromptedModel.HEAD_KERNEL, tuned.read(PromptedModel.HEAD_KERNEL), tuned.featureWidth(),
              tuned.numClasses()),
          frozen.add(PromptedModel.HEAD_BIAS, tuned.read(PromptedModel.HEAD_BIAS), tuned.numClasses())));
      frozen.fill(session);
      SavedModelBundle.exporter(directory.toString()).withSession(session)
          .withSignatures(Signature.builder().key(Signature.DEFAULT_KEY).input("images", images)
              .output("logits", logits).build())
          .export();
    }
    config.withUpstreamClasses(tuned.numClasses()).write(directory.resolve(Backbone.MODEL_CONF));
  }
}
