package dev.provpt;

import dev.provpt.model.Backbone;
import dev.provpt.model.Gelu;
import dev.provpt.model.VitConfig;
import dev.provpt.model.VitWeights;
import dev.provpt.model.WeightTensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;

/** Small backbones for fast end-to-end tests: 28×28 inputs (the shapes10 task), 3 blocks, width 16. */
public final class TestBackbones {
  public static final VitConfig SMALL = new VitConfig(28, 1, 7, 16, 3, 2, 32, Gelu.EXACT, 1e-6, "fashion-mnist", 10);

  private TestBackbones() {}

  /** Exports a randomly initialised SMALL backbone to {@code directory}. */
  public static Path exportRandom(Path directory) throws Exception {
    Backbone.export(directory, SMALL, VitWeights.random(SMALL, 3));
    return directory;
  }

  /** Exports a SMALL backbone with one NaN weight (as a damaged checkpoint might hold): every loss is NaN. */
  public static Path exportWithNaN(Path directory) throws Exception {
    var tensors = new LinkedHashMap<>(VitWeights.random(SMALL, 3).all());
    WeightTensor bias = tensors.get(VitWeights.PATCH_BIAS);
    float[] values = bias.values().clone();
    values[0] = Float.NaN;
    tensors.put(VitWeights.PATCH_BIAS, new WeightTensor(VitWeights.PATCH_BIAS, bias.shape(), values));
    Backbone.export(directory, SMALL, new VitWeights(tensors));
    return directory;
  }
}
