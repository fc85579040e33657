package dev.provpt.train;

import dev.provpt.config.ExperimentSettings;
import dev.provpt.config.SettingsException;
import dev.provpt.data.Normalization;
import dev.provpt.data.NormalizationChoice;
import dev.provpt.data.Split;
import dev.provpt.idleness.Estimator;
import dev.provpt.method.Method;
import dev.provpt.model.Backbone;
import dev.provpt.model.ModelPool;
import dev.provpt.model.ModelShape;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.VitConfig;
import java.util.EnumSet;
import java.util.Set;

/** Builds the tuning session an experiment's settings describe. */
public final class TuningSetup {
  private TuningSetup() {}

  /**
   * Everything needed to tune: backbone, task, model and session, built from the settings. The model measures the
   * estimators the run uses: none unless the method relocates.
   */
  public static TuningSession openSession(ExperimentSettings settings, Backbone backbone, Split split) {
    return openSession(settings, backbone, split, settings.method().relocates() ? settings.proVpt().measured()
        : EnumSet.noneOf(Estimator.class));
  }

  /** As above, the model measuring {@code estimators} (the idleness audit asks for every one). */
  public static TuningSession openSession(ExperimentSettings settings, Backbone backbone, Split split,
      Set<Estimator> estimators) {
    Normalization inputs = normalization(settings, backbone.config());
    // the model carries the normalisation it is tuned with, so its export's model.conf gives predict the same one
    VitConfig c = backbone.config().withNormalization(normalizationName(settings, backbone.config()));
    Method method = settings.method();
    var p = settings.prompts();
    int prompts = method.promptCount(c.depth(), p.perBlock(), p.shallowCount());
    ModelShape shape = new ModelShape(split.train().numClasses(), prompts, method.layout(), method.headInput(),
        estimators);
    var t = settings.train();
    // a model from an earlier run of this shape in this process, started afresh, when one is idle
    PromptedModel model = ModelPool.shared().lend(c, backbone.weights(), shape,
        new PromptedModel.Hyper((float) t.learningRate(), (float) t.momentum(), (float) t.weightDecay(),
            (float) t.clipNorm(), (float) p.dropout(), settings.tensorflowThreads(),
            settings.precision(), settings.xla()), settings.seed());
    int[] assignment = switch (method.layout()) {
      case DEEP -> TuningSession.uniformAssignment(c.depth(), p.perBlock());
      case SHALLOW, NONE -> new int[prompts];
    };
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
    return settings.method().initialDistribution(depth, settings.prompts().perBlock(), settings.prompts().shallowCount());
  }
}
