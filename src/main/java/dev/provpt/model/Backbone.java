package dev.provpt.model;

import dev.provpt.tf.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A frozen backbone on disk: a TensorFlow SavedModel (variables named as in {@link VitWeights})
 * plus {@code model.conf}. Signatures: {@code features} (images, prompt_pool, prompt_block →
 * [CLS] features) and, when the upstream head is kept, {@code serving_default} (images → logits).
 */
public record Backbone(Path directory, VitConfig config, VitWeights weights) {
  public static final String FEATURES_SIGNATURE = "features";
  public static final String MODEL_CONF = "model.conf";

  /** Writes {@code weights} as a SavedModel backbone with its model.conf. */
  public static void export(Path directory, VitConfig config, VitWeights weights) throws IOException {
    weights.checkAgainst(config, "weights to export");
    Files.createDirectories(directory);
    try (Graph graph = new Graph(); Session session = new Session(graph)) {
      Ops tf = Ops.create(graph);
      FrozenWeights frozen = new FrozenWeights(tf);
      weights.names().forEach(name -> frozen.add(weights.get(name)));
      Map<String, Variable<TFloat32>> variables = frozen.variables();
      VisionTransformer vit = new VisionTransformer(tf, config, variables);
      Placeholder<TFloat32> images = tf.withName("images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, config.imageSize(), config.imageSize(), config.channels())));
      Placeholder<TFloat32> pool = tf.withName("prompt_pool").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(-1, config.width())));
      Placeholder<TInt32> block = tf.withName("prompt_block").placeholder(TInt32.class,
          Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> promptedFeatures = tf.withName("features").identity(vit.features(images,
          new VisionTransformer.PromptInputs(pool, block, null, null, false)));
      List<Signature> signatures = new ArrayList<>();
      signatures.add(Signature.builder().key(FEATURES_SIGNATURE)
          .input("images", images).input("prompt_pool", pool).input("prompt_block", block)
          .output("features", promptedFeatures).build());
      if (config.upstreamClasses() > 0) {
        Operand<TFloat32> logits = tf.withName("upstream_logits").identity(vit.linear(vit.features(images, null),
            variables.get(VitWeights.UPSTREAM_HEAD_KERNEL), variables.get(VitWeights.UPSTREAM_HEAD_BIAS)));
        signatures.add(Signature.builder().key(Signature.DEFAULT_KEY)
            .input("images", images).output("logits", logits).build());
      }
      frozen.fill(session);
      SavedModelBundle.exporter(directory.toString()).withSession(session)
          .withSignatures(signatures.toArray(Signature[]::new)).export();
    }
    config.write(directory.resolve(MODEL_CONF));
  }

  /** Loads a backbone directory, checking the graph's variables against model.conf. */
  public static Backbone load(Path directory) {
    Opened opened = openChecked(directory);
    VitWeights weights;
    try (SavedModelBundle bundle = opened.bundle()) {
      weights = readVariables(bundle);
    }
    weights.checkAgainst(opened.config(), directory.resolve("saved_model.pb").toString());
    return new Backbone(directory, opened.config(), weights);
  }

  /** A backbone's model.conf and its open SavedModel (the caller closes it). */
  record Opened(VitConfig config, SavedModelBundle bundle) {}

  /**
   * Opens a backbone directory after checking that it holds saved_model.pb, a valid model.conf
   * and the {@code features} signature, each failure naming the culprit.
   */
  static Opened openChecked(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new ModelException(directory + ": backbone directory not found"
          + " (expected a SavedModel directory with saved_model.pb and model.conf)");
    }
    Path pb = directory.resolve("saved_model.pb");
    if (!Files.isRegularFile(pb)) {
      throw new ModelException(pb + ": missing (" + directory + " is not a SavedModel directory)");
    }
    VitConfig config = VitConfig.read(directory.resolve(MODEL_CONF));
    SavedModelBundle bundle = open(directory);
    if (bundle.signatures().stream().noneMatch(s -> s.key().equals(FEATURES_SIGNATURE))) {
      List<String> found = bundle.signatures().stream().map(Signature::key).toList();
      bundle.close();
      throw new ModelException(pb + ": no '" + FEATURES_SIGNATURE + "' signature; found " + found
          + " (import a foreign checkpoint with provpt import-vit)");
    }
    return new Opened(config, bundle);
  }

  static SavedModelBundle open(Path directory) {
    try {
      return SavedModelBundle.load(directory.toString(), SavedModelBundle.DEFAULT_TAG);
    } catch (RuntimeException e) {
      throw new ModelException(directory.resolve("saved_model.pb")
          + ": cannot be loaded as a TensorFlow SavedModel (corrupt or not a SavedModel): "
          + firstLine(e.getMessage()), e);
    }
  }

  /** Lists the SavedModel's signatures as "key(inputs) -> outputs" lines. */
  public static List<String> describeSignatures(Path directory) {
    try (SavedModelBundle bundle = open(directory)) {
      List<String> lines = new ArrayList<>();
      for (Signature s : bundle.signatures()) {
        lines.add(s.key() + ": " + describe(s.getInputs()) + " -> " + describe(s.getOutputs()));
      }
      return lines;
    }
  }

  private static String describe(Map<String, Signature.TensorDescription> tensors) {
    List<String> parts = new ArrayList<>();
    tensors.forEach((name, t) -> parts.add(name + " " + t.dataType + t.shape));
    return String.join(", ", parts);
  }

  private static VitWeights readVariables(SavedModelBundle bundle) {
    List<String> names = new ArrayList<>();
    Iterator<GraphOperation> ops = bundle.graph().operations();
    while (ops.hasNext()) {
      GraphOperation op = ops.next();
      if (op.type().equals("VariableV2")) {
        names.add(op.name());
      }
    }
    Map<String, WeightTensor> tensors = new LinkedHashMap<>();
    Session.Runner runner = bundle.session().runner();
    names.forEach(runner::fetch);
    try (var result = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        Tensor t = result.get(i);
        if (!(t instanceof TFloat32)) {
          throw new ModelException("variable " + names.get(i) + " is " + t.dataType() + ", expected float32");
        }
        tensors.put(names.get(i), new WeightTensor(names.get(i), t.shape().asArray(), Tensors.toFloats(t)));
      }
    }
    return new VitWeights(tensors);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
