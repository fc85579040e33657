package dev.provpt.run;

import dev.provpt.config.ExperimentSettings;
import dev.provpt.data.Split;
import dev.provpt.model.Backbone;

/** Everything a run needs, loaded and checked before any actor starts. */
public record PreparedRun(ExperimentSettings settings, Backbone backbone, Split split) {}
