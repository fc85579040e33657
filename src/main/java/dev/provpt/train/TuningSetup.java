package dev.provpt.train;

import dev.provpt.config.ExperimentSettings;
import dev.provpt.data.Normalization;
import dev.provpt.data.Split;
import dev.provpt.model.Backbone;
import dev.provpt.model.PromptMode;
import dev.provpt.model.PromptedModel;

/** Builds the tuning session an experiment's settings describe. */
public final class TuningSetup {
  private TuningSetup() {}

  /** Everything needed to tune: backbone, task, model and session, built from the settings. */
  public static TuningSession openSession(ExperimentSettings settings, Backbone backbone, Split split) {
    var c = backbone.config();
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
    PromptedModel model = PromptedModel.create(c, backbone.weights(), split.train().numClasses(), prompts, mode,
        new PromptedModel.Hyper((float) t.learningRate(), (float) t.momentum(), (float) t.weightDecay(),
            (float) t.clipNorm(), (float) settings.prompts().dropout(), settings.tensorflowThreads()), settings.seed());
    int[] assignment = mode == PromptMode.DEEP
        ? TuningSession.uniformAssignment(c.depth(), settings.prompts().perBlock()) : new int[prompts];
    return new TuningSession(model, split.train(), Normalization.of(c.normalization(), c.channels()),
        t.batchSize(), settings.seed(), assignment);
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
