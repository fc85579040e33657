package dev.provpt.train;

import dev.provpt.config.ExperimentSettings;
import dev.provpt.config.SettingsException;
import dev.provpt.data.Normalization;
import dev.provpt.data.NormalizationChoice;
import dev.provpt.data.Split;
import dev.provpt.model.Backbone;
import dev.provpt.model.ModelPool;
import dev.provpt.model.PromptMode;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.VitConfig;

/** Builds the tuning session an experiment's settings describe. */
public final class TuningSetup {
  private TuningSetup() {}

  /** Everything needed to tune: backbone, task, model and session, built from the settings. */
  public static TuningSession openSession(ExperimentSettings settings, Backbone backbone, Split split) {
    Normalization inputs = normalization(settings, backbone.config());
    // the model carries the normalisation it is tuned with, so its export's model.conf gives predict the same one
    VitConfig c = backbone.config().withNormalization(normalizationName(settings, backbone.config()));
    PromptMode mode = switch (settings.method()) {
      case VPT_DEEP, PRO_VPT -> PromptMode.DEEP;
      case VPT_SHALLOW -> PromptMode.SHALLOW;
      case LINEAR -> PromptMode.NONE;
    };
    int prompts = switch (mode) {
      case DEEP -> settings.prompts().perBlock() * c.depth();
      case SHALLOW -> settings.prompts().shallowCount();
      case NONE -> 0;
    };
    var t = settings.train();
    // a model from an earlier run of this shape in this process, started afresh, when one is idle
    PromptedModel model = ModelPool.shared().lend(c, backbone.weights(), split.train().numClasses(), prompts, mode,
        new PromptedModel.Hyper((float) t.learningRate(), (float) t.momentum(), (float) t.weightDecay(),
            (float) t.clipNorm(), (float) settings.prompts().dropout(), settings.tensorflowThreads(),
            settings.precision(), settings.xla()), settings.seed());
    int[] assignment = mode == PromptMode.DEEP
        ? TuningSession.uniformAssignment(c.depth(), settings.prompts().perBlock()) : new int[prompts];
    return new TuningSession(model, split.train(), inputs, settings.data().augmentation(),
        t.batchSize(), settings.seed(), assignment, t.cacheFeatures());
  }

  /**
   * The input normalisation of a run: provpt.data.normalization, or the backbone's own when that is "auto".
   * A named one that does not fit the backbone's channels is a settings error.
   */
  public static Normalization normalization(ExperimentSettings settings, VitConfig backbone) {
    String name = normalizationName(settings, backbone);
    try {
      return Normalization.of(name, backbone.channels());
    } catch (IllegalArgumentException e) {
      String source = settings.data().normalization() instanceof NormalizationChoice.Auto
          ? "the normalization of " + settings.backbone().resolve(Backbone.MODEL_CONF)
          + " (provpt.data.normalization = auto)"
          : "provpt.data.normalization = " + name;
      throw new SettingsException(source + " does not fit backbone " + settings.backbone() + " with "
          + backbone.channels() + "-channel inputs: " + e.getMessage());
    }
  }

  private static String normalizationName(ExperimentSettings settings, VitConfig backbone) {
    return settings.data().normalization().specFor(backbone.normalization());
  }

  /** Prompts per block at the start of a run. */
  public static int[] initialDistribution(ExperimentSettings settings, int depth) {
    int[] counts = new int[depth];
    switch (settings.method()) {
      case VPT_DEEP, PRO_VPT -> java.util.Arrays.fill(counts, settings.prompts().perBlock());
      case VPT_SHALLOW -> counts[0] = settings.prompts().shallowCount();
      case LINEAR -> { }
    }
    return counts;
  }
}
