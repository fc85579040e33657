package dev.provpt.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.method.Method;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Looking up a task's committed results in a results.json, and the line provpt run prints. */
class ReferenceResultsTest {
  @TempDir
  Path tmp;

  static String entry(String backbone, String split, int n, double mean, double std) {
    return "{\"backbone\": \"" + backbone + "\", \"split\": \"" + split + "\", \"n\": " + n + ", \"seeds\": [1, 2, 3], "
        + "\"mean\": " + mean + ", \"std\": " + std + ", \"base_lr\": 0.5, \"weight_decay\": 0.001, \"epochs\": 30}";
  }

  Path file(String tasks) throws IOException {
    return Files.writeString(tmp.resolve("results.json"), "{\"page\": \"docs/RESULTS.md\", \"tasks\": {" + tasks + "}}");
  }

  @Test
  void bothEntriesWithTheSameSeedsAndSplitShareTheParentheses() throws Exception {
    Path f = file("\"count\": {\"group\": \"structured\", \"methods\": {"
        + "\"linear\": " + entry("models/fmnist-vit8", "train800val200", 3, 0.55, 0.02) + ", "
        + "\"vpt-deep\": " + entry("./models/fmnist-vit8/", "train800val200", 3, 0.712, 0.01) + "}}");
    var ref = ReferenceResults.load(f).orElseThrow().lookup("models/fmnist-vit8", "count").orElseThrow();
    assertEquals("reference (docs/RESULTS.md, 3 seeds, train800val200): VPT-Deep 0.712 ± 0.010, "
        + "linear probe 0.550 ± 0.020 — this run: 0.701", ref.line(0.7014, "train800val200"));
    // a run on another split says so; a run without a test accuracy prints n/a
    assertEquals("reference (docs/RESULTS.md, 3 seeds, train800val200): VPT-Deep 0.712 ± 0.010, "
        + "linear probe 0.550 ± 0.020 — this run (train800): n/a", ref.line(null, "train800"));
    assertEquals(3, ref.entry(Method.VPT_DEEP).n());
    assertEquals(30, ref.toMap().get("vpt-deep") instanceof java.util.Map<?, ?> m ? m.get("epochs") : null);
  }

  @Test
  void entriesThatDifferCarryTheirOwnSeedsAndSplit() throws Exception {
    Path f = file("\"digits\": {\"methods\": {"
        + "\"linear\": " + entry("models/v", "train800", 1, 0.5, 0.0) + ", "
        + "\"vpt-deep\": " + entry("models/v", "train800val200", 3, 0.7, 0.01) + "}}");
    var ref = ReferenceResults.load(f).orElseThrow().lookup("models/v", "digits").orElseThrow();
    assertEquals("reference (docs/RESULTS.md): VPT-Deep 0.700 ± 0.010 (3 seeds, train800val200), "
        + "linear probe 0.500 ± 0.000 (1 seed, train800) — this run (train800val200): 0.690", ref.line(0.69, "train800val200"));
  }

  @Test
  void onlyTheEntriesOfTheRunsBackboneCount() throws Exception {
    Path f = file("\"digits\": {\"methods\": {"
        + "\"linear\": " + entry("models/other", "train800val200", 3, 0.5, 0.0) + ", "
        + "\"vpt-deep\": " + entry("models/v", "train800val200", 3, 0.7, 0.01) + "}}");
    var results = ReferenceResults.load(f).orElseThrow();
    var ref = results.lookup("models/v", "digits").orElseThrow();
    assertEquals(null, ref.entry(Method.LINEAR));
    assertEquals("reference (docs/RESULTS.md, 3 seeds, train800val200): VPT-Deep 0.700 ± 0.010 — this run: 0.650",
        ref.line(0.65, "train800val200"));
    assertTrue(results.lookup("models/none", "digits").isEmpty());
    assertTrue(results.lookup("models/v", "count").isEmpty());
  }

  @Test
  void proVptComesFirstAndThePixelsLastButVptShallowIsNotOnTheLine() throws Exception {
    Path f = file("\"count\": {\"methods\": {"
        + "\"pixels\": " + entry("models/v", "train800val200", 5, 0.41, 0.004) + ", "
        + "\"vpt-shallow\": " + entry("models/v", "train800val200", 5, 0.6, 0.01) + ", "
        + "\"linear\": " + entry("models/v", "train800val200", 5, 0.55, 0.02) + ", "
        + "\"vpt-deep\": " + entry("models/v", "train800val200", 5, 0.712, 0.01) + ", "
        + "\"pro-vpt\": " + entry("models/v", "train800val200", 5, 0.7, 0.012) + "}}");
    var ref = ReferenceResults.load(f).orElseThrow().lookup("models/v", "count").orElseThrow();
    assertEquals("reference (docs/RESULTS.md, 5 seeds, train800val200): PRO-VPT 0.700 ± 0.012, VPT-Deep 0.712 ± 0.010, "
        + "linear probe 0.550 ± 0.020, pixels 0.410 ± 0.004 — this run: 0.705", ref.line(0.705, "train800val200"));
    assertEquals(java.util.List.of("file", "page", "task", "backbone", "pro-vpt", "vpt-deep", "linear", "pixels"),
        java.util.List.copyOf(ref.toMap().keySet()));
  }

  @Test
  void aMalformedFileIsAnErrorNamingIt() throws Exception {
    Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"tasks\": {");
    IOException e = assertThrows(IOException.class, () -> ReferenceResults.load(broken));
    assertTrue(e.getMessage().startsWith(broken + ": not valid JSON"), e.getMessage());
    Path wrong = Files.writeString(tmp.resolve("wrong.json"), "[1, 2]");
    e = assertThrows(IOException.class, () -> ReferenceResults.load(wrong));
    assertTrue(e.getMessage().startsWith(wrong + ": not a results.json"), e.getMessage());
    Path badEntry = file("\"digits\": {\"methods\": {\"vpt-deep\": {\"backbone\": \"models/v\", \"mean\": \"high\"}}}");
    var results = ReferenceResults.load(badEntry).orElseThrow();
    e = assertThrows(IOException.class, () -> results.lookup("models/v", "digits"));
    assertTrue(e.getMessage().contains("tasks.digits.methods.vpt-deep.n is not a number"), e.getMessage());
  }
}
