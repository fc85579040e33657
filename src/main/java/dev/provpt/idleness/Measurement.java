package dev.provpt.idleness;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The idleness of every prompt as each measured estimator gives it, averaged over one pass's batches. A pass
 * measures the estimators its run asks for (the run's own; every one for the idleness audit), so
 * {@link #scores} of another is an error that names it.
 */
public record Measurement(Map<Estimator, float[]> scores) {

  public Measurement {
    EnumMap<Estimator, float[]> copy = new EnumMap<>(Estimator.class);
    copy.putAll(scores);
    if (copy.values().stream().mapToInt(s -> s.length).distinct().count() > 1) {
      throw new IllegalArgumentException("every estimator needs one score per prompt");
    }
    scores = Collections.unmodifiableMap(copy);
  }

  /** Nothing measured. */
  public static Measurement empty() {
    return new Measurement(Map.of());
  }

  /** Only {@code estimator}'s scores. */
  public static Measurement of(Estimator estimator, float[] scores) {
    return new Measurement(Map.of(estimator, scores));
  }

  /** The scores of {@code estimator}. */
  public float[] scores(Estimator estimator) {
    float[] s = scores.get(estimator);
    if (s == null) {
      throw new IllegalStateException(estimator.key + " idleness was not measured in this pass (measured: "
          + measured() + ")");
    }
    return s;
  }

  /** The estimators measured. */
  @JsonIgnore
  public Set<Estimator> measured() {
    return scores.keySet();
  }

  /** The number of prompts measured (0 when nothing was). */
  @JsonIgnore
  public int promptCount() {
    return scores.values().stream().mapToInt(s -> s.length).findFirst().orElse(0);
  }

  /** The same measurement with {@code estimator}'s scores added (or replaced). */
  public Measurement with(Estimator estimator, float[] values) {
    EnumMap<Estimator, float[]> all = new EnumMap<>(Estimator.class);
    all.putAll(scores);
    all.put(estimator, values);
    return new Measurement(all);
  }
}
