package dev.provpt.train;

import dev.provpt.config.ExperimentSettings;
import dev.provpt.config.ExperimentSettings.Method;
import dev.provpt.data.Normalization;
import dev.provpt.data.Split;
import dev.provpt.data.TaskData;
import dev.provpt.model.Backbone;
import dev.provpt.model.PromptMode;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.TunedModelExport;
import dev.provpt.report.ProgressBar;
import dev.provpt.report.RunDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one tuning experiment (VPT-Deep, VPT-Shallow or linear probe) and writes its run directory. */
public final class ExperimentRunner {
  private static final Logger log = LoggerFactory.getLogger(ExperimentRunner.class);

  private ExperimentRunner() {}

  /** Everything needed to tune: backbone, task, model and session, built from the settings. */
  public static TuningSession openSession(ExperimentSettings settings, Backbone backbone, Split split) {
    var c = backbone.config();
    PromptMode mode = switch (settings.method()) {
      case VPT_DEEP -> PromptMode.DEEP;
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
            (float) t.clipNorm(), (float) settings.prompts().dropout()), settings.seed());
    int[] assignment = mode == PromptMode.DEEP
        ? TuningSession.uniformAssignment(c.depth(), settings.prompts().perBlock()) : new int[prompts];
    return new TuningSession(model, split.train(), Normalization.of(c.normalization(), c.channels()),
        t.batchSize(), settings.seed(), assignment);
  }

  /** Runs all epochs; returns the summary also written to summary.json. */
  public static Map<String, Object> run(ExperimentSettings settings, RunDirectory dir, boolean showProgress)
      throws IOException {
    long started = System.nanoTime();
    Backbone backbone = Backbone.load(settings.backbone());
    Split split = TaskData.load(settings.data(), settings.seed(), backbone.config());
    dir.writeConfig(settings.render());
    log.info("run {}: {} on {} ({} train / {} val / {} test) with {}", dir.root(), settings.method().key,
        split.train().name(), split.train().size(), split.val().size(), split.test().size(), backbone.directory());
    double bestVal = -1;
    int bestEpoch = 0;
    List<Double> valCurve = new ArrayList<>();
    Map<String, Object> summary = new LinkedHashMap<>();
    try (TuningSession session = openSession(settings, backbone, split)) {
      int epochs = settings.train().epochs();
      for (int epoch = 1; epoch <= epochs; epoch++) {
        long epochStart = System.nanoTime();
        ProgressBar bar = showProgress
            ? new ProgressBar(String.format("epoch %d/%d", epoch, epochs),
                dev.provpt.data.BatchIterator.batchesPerEpoch(split.train().size(), settings.train().batchSize()))
            : ProgressBar.silent();
        TuningSession.PassResult tune = session.tuneEpoch(epoch, bar);
        bar.finish();
        TuningSession.PassResult val = session.evaluate(split.val());
        Double testAcc = null;
        double evalSeconds = val.seconds();
        if (settings.train().testEveryEpoch() || epoch == epochs) {
          TuningSession.PassResult test = session.evaluate(split.test());
          testAcc = test.accuracy();
          evalSeconds += test.seconds();
        }
        if (val.accuracy() > bestVal) {
          bestVal = val.accuracy();
          bestEpoch = epoch;
        }
        valCurve.add(val.accuracy());
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("epoch", epoch);
        record.put("method", settings.method().key);
        record.put("train_loss", tune.loss());
        record.put("train_acc", tune.accuracy());
        record.put("val_loss", val.loss());
        record.put("val_acc", val.accuracy());
        record.put("test_acc", testAcc);
        record.put("distribution", session.distribution());
        record.put("relocation", null);
        record.put("reward", null);
        record.put("ppo_loss", null);
        record.put("seconds", (System.nanoTime() - epochStart) / 1e9);
        record.put("phase_seconds", Map.of("tune", tune.seconds(), "eval", evalSeconds));
        dir.appendMetrics(record);
        if (showProgress) {
          System.err.printf("epoch %d/%d: train loss %.4f, val acc %.4f%s%n", epoch, epochs, tune.loss(),
              val.accuracy(), testAcc != null ? String.format(", test acc %.4f", testAcc) : "");
        }
        if (epoch == epochs) {
          summary.put("test_acc", testAcc);
        }
      }
      TunedModelExport.export(dir.resolve(RunDirectory.EXPORT), backbone.config(), backbone.weights(),
          session.model(), session.assignment());
      summary.put("final_val_acc", valCurve.get(valCurve.size() - 1));
      summary.put("best_val_acc", bestVal);
      summary.put("best_epoch", bestEpoch);
      summary.put("distribution", session.distribution());
      summary.put("prompts", session.model().promptCount());
    }
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("name", settings.name());
    head.put("method", settings.method().key);
    head.put("backbone", settings.backbone().toString());
    head.put("task", split.train().name());
    head.put("train_size", split.train().size());
    head.put("val_size", split.val().size());
    head.put("test_size", split.test().size());
    head.put("epochs", settings.train().epochs());
    head.put("learning_rate", settings.train().learningRate());
    head.put("weight_decay", settings.train().weightDecay());
    head.put("seed", settings.seed());
    head.putAll(summary);
    head.put("seconds", (System.nanoTime() - started) / 1e9);
    dir.writeSummary(head);
    return head;
  }
}
