package dev.provpt.sweep.scheduler;

import com.typesafe.config.Config;
import dev.provpt.config.Settings;
import dev.provpt.config.SettingsException;
import java.util.ArrayList;
import java.util.List;

/**
 * ASHA's settings ({@code provpt.sweep.asha}): rung k (k = 0 … rungs − 1) lies at
 * min(minEpochs · reductionFactor^k, train.epochs) epochs, and at each rung the top 1/reductionFactor go on.
 */
public record AshaSettings(int reductionFactor, int minEpochs, int rungs) {
  public static final String PREFIX = "provpt.sweep.asha.";

  public AshaSettings {
    if (reductionFactor < 2 || minEpochs < 1 || rungs < 1) {
      throw new IllegalArgumentException("ASHA needs reduction factor >= 2, min epochs >= 1 and rungs >= 1, got "
          + reductionFactor + ", " + minEpochs + ", " + rungs);
    }
  }

  /** The section as written, each value range-checked (its fit to train.epochs is checked by {@link #rungEpochs}). */
  public static AshaSettings from(Config config) {
    Settings s = new Settings(config);
    return new AshaSettings(s.intIn(PREFIX + "reduction-factor", 2, 100), s.intIn(PREFIX + "min-epochs", 1, 100_000),
        s.intIn(PREFIX + "rungs", 1, 30));
  }

  /**
   * The epoch of each rung for runs of {@code epochs} epochs, strictly increasing. Refused when min-epochs exceeds
   * the epochs, or when two rungs fall on one epoch once capped (there are more rungs than fit).
   */
  public List<Integer> rungEpochs(int epochs) {
    if (minEpochs > epochs) {
      throw new SettingsException(PREFIX + "min-epochs must be <= train.epochs (" + epochs + "), got " + minEpochs);
    }
    List<Integer> list = new ArrayList<>();
    long at = minEpochs;
    for (int k = 0; k < rungs; k++) {
      int capped = (int) Math.min(at, epochs);
      if (!list.isEmpty() && capped == list.get(list.size() - 1)) {
        throw new SettingsException(PREFIX + "rungs = " + rungs + " does not fit train.epochs = " + epochs + ": rung "
            + k + " (" + minEpochs + " x " + reductionFactor + "^" + k + " epochs) is capped at epoch " + capped
            + " like rung " + (k - 1) + "; at most " + k + " rungs fit with min-epochs " + minEpochs
            + " and reduction-factor " + reductionFactor);
      }
      list.add(capped);
      at = Math.min(at * reductionFactor, Integer.MAX_VALUE);
    }
    return List.copyOf(list);
  }
}
