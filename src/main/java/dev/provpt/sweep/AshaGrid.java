package dev.provpt.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.run.Resume;
import dev.provpt.run.RunOutcome;
import dev.provpt.run.RunService;
import dev.provpt.sweep.scheduler.Asha;
import dev.provpt.sweep.scheduler.AshaSearch;
import dev.provpt.sweep.scheduler.AshaSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A sweep's grid searched by ASHA in this process ({@code provpt.sweep.scheduler = asha}). A segment from epoch a to
 * b is the grid run trained with {@code train.epochs = b}, from its epoch-a checkpoint when a > 0. The learning rate
 * is fixed (no schedule follows train.epochs) and the Scorer, Allocator and augmentation follow the epoch number, so
 * a run paused at a rung and continued later is the prefix of the run that never paused; the paused epoch alone
 * differs, by also evaluating test (and exporting), as a run's last epoch does.
 */
final class AshaGrid {
  /** The file in a grid run's directory that says how ASHA left it. */
  static final String STATE_FILE = "asha.json";

  /** The grid rows (in grid order, each with its ASHA state), ASHA's pick among them and report.json's section. */
  record Result(List<Map<String, Object>> rows, Map<String, Object> chosen, Map<String, Object> section) {}

  private final Sweep sweep;
  private final AshaSettings settings;
  private final int epochs;

  AshaGrid(Sweep sweep, AshaSettings settings, int epochs) {
    this.sweep = sweep;
    this.settings = settings;
    this.epochs = epochs;
  }

  Result run(Path directory, Consumer<String> progress) throws IOException {
    try {
      return search(directory, progress);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Result search(Path directory, Consumer<String> progress) throws Exception {
    List<Sweep.RunSpec> specs = sweep.gridRuns();
    Asha asha = new Asha(settings, epochs);
    Map<Integer, Map<String, Object>> rows = new ConcurrentHashMap<>();
    int slots = sweep.packing().concurrentRuns();
    AshaSearch.Outcome outcome;
    try (ThreadSlots threads = new ThreadSlots(slots, segment -> {
      Sweep.RunSpec spec = specs.get(segment.run());
      progress.accept(String.format(Locale.ROOT, "sweep run %s (asha rung %d: epochs %d-%d)", spec.name(),
          segment.rung(), segment.fromEpoch() + 1, segment.toEpoch()));
      return train(sweep.experiment(), spec, directory.resolve(spec.name()), segment, rows);
    })) {
      outcome = AshaSearch.run(asha, specs.size(), slots, threads);
    }
    List<Map<String, Object>> gridRows = new ArrayList<>();
    for (AshaSearch.RunEnd end : outcome.runs()) {
      Map<String, Object> row = rows.get(end.run());
      row.put("epochs", end.epochs());
      row.put("asha", state(end, asha));
      gridRows.add(row);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(directory.resolve(
          specs.get(end.run()).name()).resolve(STATE_FILE).toFile(), runState(end, asha));
    }
    return new Result(gridRows, gridRows.get(outcome.pick()), section(outcome, asha, specs, slots));
  }

  /**
   * Trains {@code segment} of grid run {@code spec} in {@code runDirectory}: from the start, or from the checkpoint
   * of the segment's first epoch. Its config.conf then says train.epochs = the segment's last epoch: what the
   * directory holds. Returns the run's best validation accuracy so far.
   */
  static double train(Path experiment, Sweep.RunSpec spec, Path runDirectory, AshaSearch.Segment segment,
      Map<Integer, Map<String, Object>> rows) throws IOException {
    List<String> overrides = new ArrayList<>(spec.overrides());
    overrides.add("train.epochs=" + segment.toEpoch());
    Config config = ConfigLoader.load(experiment, overrides);
    ExperimentSettings settings = ExperimentSettings.from(config);
    Resume resume = null;
    if (segment.fromEpoch() > 0) {
      resume = RunService.readCheckpoint(runDirectory);
      int at = resume == null ? 0 : resume.epoch();
      if (at != segment.fromEpoch()) {
        throw new IllegalStateException("grid run " + spec.name() + " is promoted from epoch " + segment.fromEpoch()
            + " but its newest usable checkpoint is of epoch " + at + " (" + runDirectory + ")");
      }
      deleteRecursively(runDirectory.resolve(RunDirectory.EXPORT)); // the paused run's, of its first epochs
    }
    RunOutcome outcome = RunService.run(RunService.prepare(settings), RunDirectory.at(runDirectory), false, e -> { },
        config, resume);
    if (!outcome.succeeded()) {
      throw new IllegalStateException("sweep run " + spec.name() + " failed in epochs " + (segment.fromEpoch() + 1)
          + "-" + segment.toEpoch() + ": " + outcome.error());
    }
    if (resume != null) {
      RunDirectory.at(runDirectory).writeConfig(settings.render());
    }
    rows.put(segment.run(), Sweep.row(spec, settings, outcome.summary()));
    return ((Number) outcome.summary().get("best_val_acc")).doubleValue();
  }

  /** report.md's state of a grid point: done, or stopped at its last rung, with why (its standing there). */
  private static String state(AshaSearch.RunEnd end, Asha asha) {
    return (end.stopped() ? "stopped at rung " + end.lastRung() + ": " : "done, ") + asha.standing(end.run());
  }

  private static Map<String, Object> runState(AshaSearch.RunEnd end, Asha asha) {
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("state", end.stopped() ? "stopped" : "done");
    state.put("last_rung", end.lastRung());
    state.put("epochs", end.epochs());
    state.put("rung_epochs", asha.rungEpochs());
    return state;
  }

  private Map<String, Object> section(AshaSearch.Outcome outcome, Asha asha, List<Sweep.RunSpec> specs, int slots) {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("reduction_factor", settings.reductionFactor());
    section.put("min_epochs", settings.minEpochs());
    section.put("rungs", settings.rungs());
    section.put("rung_epochs", asha.rungEpochs());
    section.put("slots", slots);
    section.put("pick", specs.get(outcome.pick()).name());
    section.put("epochs_trained", outcome.epochsTrained());
    section.put("grid_epochs", specs.size() * epochs);
    List<Map<String, Object>> events = new ArrayList<>();
    for (AshaSearch.Event e : outcome.events()) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("run", specs.get(e.segment().run()).name());
      event.put("rung", e.segment().rung());
      event.put("epoch", e.segment().toEpoch());
      event.put("best_val_acc", e.metric());
      event.put("decision", e.decision().name().toLowerCase(Locale.ROOT));
      events.add(event);
    }
    section.put("events", events);
    return section;
  }

  /** report.md's lines for the ASHA section of report.json. */
  static String markdown(Map<String, Object> section, List<Map<String, Object>> grid) {
    // on a daemon the slots are its jobs' (no "slots" key): provpt sweep --submit
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%nSearched with ASHA (reduction factor %s, "
        + "rungs at epochs %s, %s): %s epochs trained against %s for the full grid; pick %s (the best at the "
        + "highest rung reached). Best val acc above is up to each run's last epoch.%n%n| run | epochs | state |%n"
        + "|---|---|---|%n", section.get("reduction_factor"), section.get("rung_epochs"), section.containsKey("slots")
        ? section.get("slots") + " slot(s)" : "on a daemon",
        section.get("epochs_trained"), section.get("grid_epochs"), section.get("pick")));
    for (Map<String, Object> row : grid) {
      md.append("| ").append(row.get("run")).append(" | ").append(row.get("epochs")).append(" | ")
          .append(row.get("asha")).append(" |\n");
    }
    return md.toString();
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
