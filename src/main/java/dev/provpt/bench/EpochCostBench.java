package dev.provpt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.RunService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost of a PRO-VPT epoch relative to a VPT-Deep epoch, measured in one process on the same
 * task: median wall time of epochs 2..E (epoch 1 pays for graph optimisation), whole epochs
 * including scoring, pruning, allocation, relocation, tuning and validation.
 */
public final class EpochCostBench {
  private EpochCostBench() {}

  public static Map<String, Object> measure(Path experiment, int epochs) throws Exception {
    Path scratch = Files.createTempDirectory("provpt-bench");
    List<String> common = List.of("train.epochs=" + epochs, "name=bench");
    // VPT-Deep twice (first and last) so that warm-up of the JVM does not favour either side
    double deepFirst = medianEpoch(experiment, scratch.resolve("deep-1"), common, "method=vpt-deep");
    double online = medianEpoch(experiment, scratch.resolve("online"), common, "method=pro-vpt",
        "pro-vpt.scoring=online");
    double pass = medianEpoch(experiment, scratch.resolve("pass"), common, "method=pro-vpt", "pro-vpt.scoring=pass");
    double deepLast = medianEpoch(experiment, scratch.resolve("deep-2"), common, "method=vpt-deep");
    double deep = (deepFirst + deepLast) / 2;
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("benchmark", "epoch-cost");
    line.put("experiment", experiment.toString());
    line.put("epochs_per_run", epochs);
    line.put("vpt_deep_epoch_s", round(deep));
    line.put("vpt_deep_epoch_s_runs", List.of(round(deepFirst), round(deepLast)));
    line.put("pro_vpt_online_epoch_s", round(online));
    line.put("pro_vpt_pass_epoch_s", round(pass));
    line.put("ratio_online", round(online / deep));
    line.put("ratio_pass", round(pass / deep));
    line.put("threads", Runtime.getRuntime().availableProcessors());
    return line;
  }

  private static double medianEpoch(Path experiment, Path runDir, List<String> common, String... extra)
      throws Exception {
    List<String> overrides = new ArrayList<>(common);
    overrides.addAll(List.of(extra));
    var config = ConfigLoader.load(experiment, overrides);
    var settings = ExperimentSettings.from(config);
    var outcome = RunService.run(config, RunDirectory.at(runDir));
    if (!outcome.succeeded()) {
      throw new IllegalStateException("benchmark run failed: " + outcome.error());
    }
    List<Double> seconds = new ArrayList<>();
    for (JsonNode node : RunDirectory.readMetrics(runDir)) {
      if (node.get("epoch").asInt() > 1 && node.get("epoch").asInt() < settings.train().epochs()) {
        seconds.add(node.get("seconds").asDouble()); // the last epoch also evaluates the test set
      }
    }
    seconds.sort(Comparator.naturalOrder());
    return seconds.get(seconds.size() / 2);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
