package dev.provpt.cli;

import dev.provpt.data.Batch;
import dev.provpt.data.BatchIterator;
import dev.provpt.data.ImageSet;
import dev.provpt.data.Normalization;
import dev.provpt.model.Backbone;
import dev.provpt.tf.Tensors;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;

/** Accuracy of a backbone's own serving_default signature (its upstream head) on a labelled set. */
final class UpstreamEvaluation {
  private UpstreamEvaluation() {}

  static double accuracy(Backbone backbone, ImageSet set) {
    var c = backbone.config();
    Normalization normalization = Normalization.of(c.normalization(), c.channels());
    long hits = 0;
    try (SavedModelBundle bundle = SavedModelBundle.load(backbone.directory().toString(), SavedModelBundle.DEFAULT_TAG)) {
      var serving = bundle.function(Signature.DEFAULT_KEY);
      BatchIterator batches = BatchIterator.sequential(set, 500, normalization);
      while (batches.hasNext()) {
        Batch b = batches.next();
        try (Tensor x = Tensors.floats(b.images(), (long) b.size(), c.imageSize(), c.imageSize(), c.channels());
             Result r = serving.call(Map.of("images", x))) {
          float[] logits = Tensors.toFloats(r.get("logits").orElseThrow());
          int classes = logits.length / b.size();
          for (int i = 0; i < b.size(); i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
              if (logits[i * classes + k] > logits[i * classes + best]) {
                best = k;
              }
            }
            hits += best == b.labels()[i] ? 1 : 0;
          }
        }
      }
    }
    return (double) hits / set.size();
  }
}
