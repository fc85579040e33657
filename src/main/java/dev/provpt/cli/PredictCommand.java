package dev.provpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.data.ImageFiles;
import dev.provpt.data.Normalization;
import dev.provpt.model.Backbone;
import dev.provpt.model.ModelException;
import dev.provpt.model.TunedModelExport;
import dev.provpt.model.VitConfig;
import dev.provpt.tf.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Classifies image files with an exported model (a run's export/ directory). */
@Command(name = "predict", description = "Classify image files with a tuned model's SavedModel (a run's export/): one JSON line per image with "
    + "image, class (the index), label (the class folder's name, where the export has classes.txt) and logits.")
final class PredictCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "exported model directory (SavedModel + model.conf)")
  Path model;

  @Parameters(paramLabel = "IMAGES", arity = "1..*", description = "PNG, JPEG, BMP or GIF files")
  List<Path> images;

  @Override
  public Integer call() throws Exception {
    for (Map<String, Object> line : predict(model, images)) {
      System.out.println(new ObjectMapper().writeValueAsString(line));
    }
    return 0;
  }

  /** One record per image: the predicted class, its name where the export has classes.txt, and the logits. */
  static List<Map<String, Object>> predict(Path model, List<Path> images) throws java.io.IOException {
    if (!Files.isRegularFile(model.resolve("saved_model.pb"))) {
      throw new ModelException(model + ": not a SavedModel directory (expected saved_model.pb and model.conf)");
    }
    VitConfig c = VitConfig.read(model.resolve(Backbone.MODEL_CONF));
    List<String> names = TunedModelExport.readClassNames(model);
    int pixels = c.imageSize() * c.imageSize() * c.channels();
    float[] batch = new float[images.size() * pixels];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(ImageFiles.read(images.get(i), c.imageSize(), c.channels()), 0, batch, i * pixels, pixels);
    }
    Normalization.of(c.normalization(), c.channels()).apply(batch, 0, batch.length, c.channels());
    try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), SavedModelBundle.DEFAULT_TAG);
         Tensor x = Tensors.floats(batch, images.size(), c.imageSize(), c.imageSize(), c.channels());
         Result r = bundle.function(Signature.DEFAULT_KEY).call(Map.of("images", x))) {
      float[] logits = Tensors.toFloats(r.get("logits").orElseThrow());
      int classes = logits.length / images.size();
      List<Map<String, Object>> out = new java.util.ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        float[] row = java.util.Arrays.copyOfRange(logits, i * classes, (i + 1) * classes);
        int best = 0;
        for (int k = 1; k < classes; k++) {
          best = row[k] > row[best] ? k : best;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("image", images.get(i).toString());
        line.put("class", best);
        if (best < names.size()) {
          line.put("label", names.get(best));
        }
        line.put("logits", row);
        out.add(line);
      }
      return out;
    }
  }
}
