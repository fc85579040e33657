package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.Console;
import dev.provpt.rundir.ProgressBar;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code provpt run} as a log reads it: one line per epoch when stderr is not a terminal. */
class RunCommandTest {
  @TempDir
  Path tmp;

  @Test
  void aProgressBarOffATerminalPrintsNothing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "epoch 1/3", 13, false);
    for (int i = 0; i < 13; i++) {
      bar.step("loss 1.0");
    }
    bar.finish();
    assertEquals("", bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aRunRedirectedToAFileLogsOneLinePerEpoch() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path experiment = Files.writeString(tmp.resolve("e.conf"), String.join("\n",
        "provpt.backbone = \"" + backbone + "\"", "provpt.train.epochs = 4", "provpt.data.train-size = 80",
        "provpt.data.val-size = 20", "provpt.data.shapes { pool-per-class = 10, test-per-class = 4 }",
        "provpt.prompts.per-block = 2", "provpt.train.batch-size = 8", "provpt.ppo.k-epochs = 2"));
    Console<Integer> run = Console.captureTogether(() -> Main.execute("run", "-c", experiment.toString(), "--run-dir",
        tmp.resolve("run").toString()));
    assertEquals(0, run.value(), run.out());
    List<String> lines = run.out().lines().filter(l -> !l.isBlank()).toList();
    for (int epoch = 1; epoch <= 4; epoch++) {
      String prefix = "epoch " + epoch + ":";
      assertEquals(1, lines.stream().filter(l -> l.startsWith(prefix)).count(), prefix + " once in " + lines);
    }
    // 10 batches per epoch: a per-batch or per-decile progress line would exceed this at once
    assertTrue(lines.size() <= 4 + 4, "at most a few lines besides one per epoch: " + lines);
  }

  /** A results.json holding PRO-VPT, VPT-Deep and the linear probe of {@code task} on {@code backbone}. */
  static Path referenceFile(Path file, String backbone, String task) throws Exception {
    return Files.writeString(file, "{\"page\": \"docs/RESULTS.md\", \"tasks\": {\"" + task + "\": {\"methods\": {"
        + "\"pro-vpt\": {\"backbone\": \"" + backbone + "\", \"split\": \"train800val200\", \"n\": 3, "
        + "\"seeds\": [1, 2, 3], \"mean\": 0.72, \"std\": 0.015}, "
        + "\"vpt-deep\": {\"backbone\": \"" + backbone + "\", \"split\": \"train800val200\", \"n\": 3, "
        + "\"seeds\": [1, 2, 3], \"mean\": 0.712, \"std\": 0.01, \"base_lr\": 0.5, \"weight_decay\": 0.001, \"epochs\": 30}, "
        + "\"linear\": {\"backbone\": \"" + backbone + "\", \"split\": \"train800val200\", \"n\": 3, "
        + "\"seeds\": [1, 2, 3], \"mean\": 0.55, \"std\": 0.02}}}}}");
  }

  static dev.provpt.config.ExperimentSettings settings(Path backbone, String data) {
    return dev.provpt.config.ExperimentSettings.from(dev.provpt.config.ConfigLoader.parse(
        "provpt.backbone = \"" + backbone + "\"\n" + data, "test", List.of()));
  }

  @Test
  void aSuiteRunPrintsAndRecordsTheReferenceOfItsTaskAndBackbone() throws Exception {
    Path backbone = Files.createDirectories(tmp.resolve("models/vit"));
    Path file = referenceFile(tmp.resolve("results.json"), backbone + "/", "count");
    var dir = dev.provpt.rundir.RunDirectory.at(Files.createDirectories(tmp.resolve("run")));
    java.util.Map<String, Object> summary = new java.util.LinkedHashMap<>();
    summary.put("task", "count/train800val200");
    summary.put("test_acc", 0.7014);
    var suite = settings(backbone, "provpt.data { kind = suite, suite.task = count }");
    String printed = Console.printed(() -> RunCommand.printReference(file, suite, summary, dir));
    assertEquals("reference (docs/RESULTS.md, 3 seeds, train800val200): PRO-VPT 0.720 ± 0.015, VPT-Deep 0.712 ± 0.010, "
        + "linear probe 0.550 ± 0.020 — this run: 0.701\n", printed);
    var written = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertEquals(0.7014, written.get("test_acc").asDouble());
    assertEquals(file.toString(), written.at("/reference/file").asText());
    assertEquals(0.712, written.at("/reference/vpt-deep/mean").asDouble());
    assertEquals(0.72, written.at("/reference/pro-vpt/mean").asDouble());
    assertTrue(written.at("/reference/pixels").isNull(), "no pixels entry in the file: null");
    assertEquals(3, written.at("/reference/linear/n").asInt());
    assertEquals(30, written.at("/reference/vpt-deep/epochs").asInt());

    // another task, a shapes run, an absent file: nothing at all
    var digits = settings(backbone, "provpt.data { kind = suite, suite.task = digits }");
    assertEquals("", Console.printed(() -> RunCommand.printReference(file, digits, summary, dir)));
    assertEquals("", Console.printed(() -> RunCommand.printReference(file, settings(backbone, ""), summary, dir)));
    assertEquals("", Console.printed(() -> RunCommand.printReference(tmp.resolve("none.json"), suite, summary, dir)));
    // a malformed file: one warning line naming it, and the run is not failed
    Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"tasks\": ");
    String warning = Console.printed(() -> RunCommand.printReference(broken, suite, summary, dir));
    assertEquals(1, warning.lines().count(), warning);
    assertTrue(warning.startsWith("provpt: warning: " + broken + ": not valid JSON"), warning);
  }

  /** provpt run end to end on a suite task, with the reference file named by provpt.reference-results. */
  @Test
  void provptRunOnASuiteTaskEndsWithTheReferenceLine() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path file = referenceFile(tmp.resolve("results.json"), backbone.toString(), "count");
    Path experiment = Files.writeString(tmp.resolve("e.conf"), String.join("\n",
        "provpt.backbone = \"" + backbone + "\"", "provpt.reference-results = \"" + file + "\"",
        "provpt.method = linear", "provpt.train.epochs = 1", "provpt.train.batch-size = 100",
        "provpt.data { kind = suite, suite.task = count }"));
    Console<Integer> run = Console.captureTogether(() -> Main.execute("run", "-c", experiment.toString(), "--quiet",
        "--run-dir", tmp.resolve("run").toString()));
    String printed = run.out();
    assertEquals(0, run.value(), printed);
    List<String> lines = printed.lines().toList();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.matches("reference \\(docs/RESULTS.md, 3 seeds, train800val200\\): PRO-VPT 0.720 ± 0.015, "
        + "VPT-Deep 0.712 ± 0.010, "
        + "linear probe 0.550 ± 0.020 — this run \\(train800\\): [01]\\.\\d{3}"), printed);
    var summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("run/summary.json").toFile());
    assertEquals(0.712, summary.at("/reference/vpt-deep/mean").asDouble());
    assertEquals("count", summary.at("/reference/task").asText());
  }
}
