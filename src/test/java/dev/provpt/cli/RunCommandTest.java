package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.report.ProgressBar;
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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.err;
    PrintStream originalOut = System.out;
    int code;
    try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      System.setOut(capture);
      code = Main.execute("run", "-c", experiment.toString(), "--run-dir", tmp.resolve("run").toString());
    } finally {
      System.setErr(original);
      System.setOut(originalOut);
    }
    assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    for (int epoch = 1; epoch <= 4; epoch++) {
      String prefix = "epoch " + epoch + ":";
      assertEquals(1, lines.stream().filter(l -> l.startsWith(prefix)).count(), prefix + " once in " + lines);
    }
    // 10 batches per epoch: a per-batch or per-decile progress line would exceed this at once
    assertTrue(lines.size() <= 4 + 4, "at most a few lines besides one per epoch: " + lines);
  }
}
