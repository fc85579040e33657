package dev.provpt.sweep.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.provpt.stats.Moments;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed spread of a grid's pick, read from a sweep report's final runs: the sample standard deviation over seeds of
 * the test accuracy of the final runs trained with the pick's learning rate and weight decay (in a sweep with
 * variants, only those of the base variant, the base experiment the grid was searched with: not, say, the same
 * method at another prompt count).
 *
 * @param std the sample standard deviation, NaN when {@code missing} says why there is none
 * @param seeds how many final runs it is over
 */
public record SeedSpread(double std, int seeds, String missing) {
  /** How reports written before base_variant existed name the base method (SweepReport's grid_searched_with). */
  private static final Pattern BASE_METHOD = Pattern.compile("\\(method ([^)]+)\\)");

  static SeedSpread none(String why) {
    return new SeedSpread(Double.NaN, 0, why);
  }

  /** The spread of the grid run {@code gridPickRun}'s setting over the report's final runs. */
  public static SeedSpread of(JsonNode report, String gridPickRun) {
    JsonNode pick = null;
    for (JsonNode row : report.path("grid")) {
      if (gridPickRun.equals(row.path("run").asText())) {
        pick = row;
      }
    }
    if (pick == null || !pick.hasNonNull("base_lr") || !pick.hasNonNull("weight_decay")) {
      return none("grid run " + gridPickRun + " has no base_lr and weight_decay in the report's grid");
    }
    String method = null;
    String variant = null;
    if (report.has("base_variant")) {
      if (report.get("base_variant").isNull()) {
        return none("no variant is the base experiment alone, so the grid's pick has no final runs of its own");
      }
      variant = report.get("base_variant").asText();
    } else if (report.hasNonNull("grid_searched_with")) {
      Matcher m = BASE_METHOD.matcher(report.get("grid_searched_with").asText());
      if (!m.find()) {
        return none("grid_searched_with does not name the base method");
      }
      method = m.group(1);
    }
    List<Double> test = new ArrayList<>();
    for (JsonNode run : report.path("final")) {
      boolean sameSetting = run.path("base_lr").asDouble(Double.NaN) == pick.get("base_lr").asDouble()
          && run.path("weight_decay").asDouble(Double.NaN) == pick.get("weight_decay").asDouble();
      boolean sameMethod = method == null || method.equals(run.path("method").asText());
      boolean sameVariant = variant == null || variant.equals(run.path("variant").asText());
      if (sameSetting && sameMethod && sameVariant && run.hasNonNull("test_acc")) {
        test.add(run.get("test_acc").asDouble());
      }
    }
    if (test.size() < 2) {
      String of = variant != null ? " (variant " + variant + ")" : method != null ? " (method " + method + ")" : "";
      return none(test.size() + " final run(s) with the grid's pick" + of + ", at least 2 needed");
    }
    return new SeedSpread(Moments.sampleStd(test), test.size(), null);
  }

  /**
   * Whether ASHA's pick is within the spread: yes when it is the grid's pick; else when its val accuracy at the last
   * epoch is within {@link #std} of the grid's pick's; null when that cannot be said (no finals).
   */
  public Boolean within(AshaReplay.Result r) {
    if (r.agree()) {
      return true;
    }
    if (missing != null) {
      return null;
    }
    return Math.abs(r.ashaPickLastVal() - r.gridPickLastVal()) <= std;
  }
}
