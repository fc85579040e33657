package dev.provpt.rundir;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of a run's {@code metrics.jsonl}: the only place that names its keys and their types
 * (docs/ARCHITECTURE.md, "The run directory"). Nullable fields are written as JSON {@code null}:
 * readers see every key on every line.
 *
 * @param testAccuracy null unless the test split was evaluated this epoch
 * @param relocation null when no prompt moved this epoch
 * @param reward null unless a relocation's reward was computed this epoch
 * @param ppoLoss null unless the reward completed a policy update
 * @param maxIdleness null unless prompts were scored this epoch
 * @param phaseSeconds wall time per phase: score, prune, allocate, tune, eval (in that order)
 */
@JsonPropertyOrder({"epoch", "method", "train_loss", "train_acc", "val_loss", "val_acc", "test_acc", "distribution",
    "relocation", "reward", "ppo_loss", "max_idleness", "seconds", "phase_seconds"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record EpochRecord(
    @JsonProperty("epoch") int epoch,
    @JsonProperty("method") String method,
    @JsonProperty("train_loss") double trainLoss,
    @JsonProperty("train_acc") double trainAccuracy,
    @JsonProperty("val_loss") double valLoss,
    @JsonProperty("val_acc") double valAccuracy,
    @JsonProperty("test_acc") Double testAccuracy,
    @JsonProperty("distribution") int[] distribution,
    @JsonProperty("relocation") Relocation relocation,
    @JsonProperty("reward") Double reward,
    @JsonProperty("ppo_loss") Double ppoLoss,
    @JsonProperty("max_idleness") Double maxIdleness,
    @JsonProperty("seconds") double seconds,
    @JsonProperty("phase_seconds") Map<String, Double> phaseSeconds) {

  /** The phases timed in {@code phase_seconds}, in the order they are written. */
  public static final String[] PHASES = {"score", "prune", "allocate", "tune", "eval"};

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A pruned prompt and where the allocator sent it: another block, or its own (both blocks equal).
   * {@code scaled} says whether its value was multiplied by the relocation scale.
   */
  @JsonPropertyOrder({"prompt", "from_block", "to_block", "idleness", "scaled"})
  public record Relocation(
      @JsonProperty("prompt") int prompt,
      @JsonProperty("from_block") int fromBlock,
      @JsonProperty("to_block") int toBlock,
      @JsonProperty("idleness") double idleness,
      @JsonProperty("scaled") boolean scaled) {}

  /** Zeroed phase timers in the written order. */
  public static Map<String, Double> emptyPhaseSeconds() {
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (String phase : PHASES) {
      seconds.put(phase, 0.0);
    }
    return seconds;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the metrics of epoch " + epoch, e);
    }
  }

  public static EpochRecord fromJson(String line) {
    try {
      return JSON.readValue(line, EpochRecord.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a metrics.jsonl line: " + e.getOriginalMessage(), e);
    }
  }
}
