package dev.provpt.sweep.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-epoch curves of a sweep's grid runs, kept in report.json under {@value #KEY} (one entry per grid run, in
 * grid order) so that a scheduler's decisions can be replayed from a full grid without training anything again
 * ({@link AshaReplay}). A run stopped early by ASHA has the epochs it trained.
 *
 * @param valAccuracy validation accuracy after each epoch (index 0: epoch 1)
 * @param trainLoss mean training loss of each epoch
 */
public record GridCurves(String run, List<Double> valAccuracy, List<Double> trainLoss) {
  public static final String KEY = "grid_curves";

  public GridCurves {
    if (valAccuracy.size() != trainLoss.size()) {
      throw new IllegalArgumentException("grid run " + run + ": " + valAccuracy.size() + " val accuracies against "
          + trainLoss.size() + " train losses");
    }
    valAccuracy = List.copyOf(valAccuracy);
    trainLoss = List.copyOf(trainLoss);
  }

  /** The curves of a run's metrics.jsonl records. */
  public static GridCurves of(String run, List<EpochRecord> epochs) {
    List<Double> val = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    for (int i = 0; i < epochs.size(); i++) {
      if (epochs.get(i).epoch() != i + 1) {
        throw new IllegalArgumentException("grid run " + run + ": metrics line " + (i + 1) + " is epoch "
            + epochs.get(i).epoch() + ", expected " + (i + 1));
      }
      val.add(epochs.get(i).valAccuracy());
      loss.add(epochs.get(i).trainLoss());
    }
    return new GridCurves(run, val, loss);
  }

  /** The curves of a run directory's metrics.jsonl. */
  public static GridCurves read(String run, Path runDirectory) throws IOException {
    return of(run, RunDirectory.readEpochs(runDirectory));
  }

  /** The curves of metrics.jsonl's text (as a daemon serves it). */
  public static GridCurves parse(String run, String metricsJsonl) {
    return of(run, metricsJsonl.lines().filter(l -> !l.isBlank()).map(EpochRecord::fromJson).toList());
  }

  public int epochs() {
    return valAccuracy.size();
  }

  /** The best validation accuracy of epochs 1 … {@code epoch}: ASHA's metric at a rung at that epoch. */
  public double bestValUpTo(int epoch) {
    if (epoch < 1 || epoch > epochs()) {
      throw new IllegalArgumentException("grid run " + run + " has the curves of " + epochs() + " epoch(s), not of "
          + epoch);
    }
    return valAccuracy.subList(0, epoch).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /** As written in report.json. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run", run);
    json.put("val_acc", valAccuracy);
    json.put("train_loss", trainLoss);
    return json;
  }

  /** The curves of a report.json, in grid order; empty when it has none (written before curves were kept). */
  public static List<GridCurves> fromReport(JsonNode report, Path where) {
    JsonNode list = report.get(KEY);
    if (list == null || list.isNull()) {
      return List.of();
    }
    List<GridCurves> curves = new ArrayList<>();
    for (JsonNode entry : list) {
      if (!entry.hasNonNull("run") || !entry.path("val_acc").isArray() || !entry.path("train_loss").isArray()) {
        throw new IllegalArgumentException(where + ": every " + KEY + " entry needs run, val_acc and train_loss, got "
            + entry);
      }
      List<Double> val = new ArrayList<>();
      entry.get("val_acc").forEach(v -> val.add(v.asDouble()));
      List<Double> loss = new ArrayList<>();
      entry.get("train_loss").forEach(v -> loss.add(v.asDouble()));
      curves.add(new GridCurves(entry.get("run").asText(), val, loss));
    }
    return curves;
  }
}
