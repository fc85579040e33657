package dev.provpt.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * results.json: per task (in page order, with its group) and per configuration (Tab. 1's methods, then PRO-VPT's
 * variants, then the settings variants): the backbone, training split, base-lr, weight decay and epochs its runs
 * share (null when they differ or none records it: {@code runs} has each seed's own), the seeds, their test
 * accuracies, mean and sample std (0 for one seed), the trainable parameters, and each run's directory and settings;
 * where such runs exist, "prompts_per_block" ({@link PromptCounts#json}) and "longer_schedules"
 * ({@link LongerSchedules#json}).
 */
final class ResultsJson {
  private ResultsJson() {}

  /** @param page the results page as written ({@code --out}), which the numbers belong to */
  static Map<String, Object> of(ResultsReport report, String page, String command) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("command", command);
    root.put("page", page.replace('\\', '/'));
    List<String> configurations = new ArrayList<>(report.methodsRun());
    report.proVptConfigurations().stream().filter(c -> !configurations.contains(c)).forEach(configurations::add);
    report.settingsVariants().keySet().stream().filter(c -> !configurations.contains(c)).forEach(configurations::add);
    Map<String, Object> tasks = new LinkedHashMap<>();
    for (String task : report.tasks()) {
      Map<String, Object> methods = new LinkedHashMap<>();
      for (String configuration : configurations) {
        ResultsReport.Stat stat = report.accuracy(configuration, task);
        if (stat != null) {
          methods.put(configuration, entry(report, configuration, task, stat));
        }
      }
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("group", RunResult.groupOf(task));
      t.put("methods", methods);
      tasks.put(task, t);
    }
    root.put("tasks", tasks);
    List<PromptCounts.Task> counts = PromptCounts.of(report);
    if (!counts.isEmpty()) {
      root.put("prompts_per_block", PromptCounts.json(counts));
    }
    List<LongerSchedules.Task> longer = LongerSchedules.of(report);
    if (!longer.isEmpty()) {
      root.put("longer_schedules", LongerSchedules.json(longer));
    }
    return root;
  }

  private static Map<String, Object> entry(ResultsReport report, String configuration, String task,
      ResultsReport.Stat stat) {
    List<RunResult> seedRuns = report.seedRuns(configuration, task);
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("method", seedRuns.get(0).method());
    entry.put("configuration", configuration);
    String base = report.settingsVariants().get(configuration);
    if (base != null) {
      entry.put("settings", seedRuns.get(0).settings());
      entry.put("compared_with", base);
    }
    entry.put("backbone", common(seedRuns, RunResult::backbone));
    entry.put("split", common(seedRuns, RunResult::split));
    entry.put("n", stat.seeds().size());
    entry.put("seeds", stat.seeds());
    entry.put("test_acc", stat.values());
    entry.put("mean", stat.mean());
    entry.put("std", stat.std());
    entry.put("trainable_parameters", report.trainableParameters(configuration, task));
    entry.put("base_lr", common(seedRuns, RunResult::baseLr));
    entry.put("weight_decay", common(seedRuns, RunResult::weightDecay));
    entry.put("epochs", common(seedRuns, RunResult::epochs));
    List<Map<String, Object>> runList = new ArrayList<>();
    for (RunResult r : seedRuns) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("seed", r.seed());
      run.put("test_acc", r.testAccuracy());
      run.put("directory", r.directory().toString().replace('\\', '/'));
      run.put("backbone", r.backbone());
      run.put("split", r.split());
      run.put("base_lr", r.baseLr());
      run.put("weight_decay", r.weightDecay());
      run.put("epochs", r.epochs());
      runList.add(run);
    }
    entry.put("runs", runList);
    return entry;
  }

  private static <T> T common(List<RunResult> runs, Function<RunResult, T> field) {
    T first = field.apply(runs.get(0));
    return runs.stream().allMatch(r -> Objects.equals(field.apply(r), first)) ? first : null;
  }
}
