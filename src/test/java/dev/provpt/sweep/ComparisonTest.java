package dev.provpt.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTest {
  @TempDir
  Path tmp;

  @Test
  void variantsOverSeedsArePairedByTheirSeedAndFinishedRunsAreReused() throws Exception {
    Path backbone = dev.provpt.TestBackbones.exportRandom(tmp.resolve("backbone"));
    Path experiment = Files.writeString(tmp.resolve("e.conf"), String.join("\n",
        "provpt.backbone = \"" + backbone + "\"", "provpt.train.epochs = 2", "provpt.data.train-size = 40",
        "provpt.data.val-size = 20", "provpt.data.shapes { pool-per-class = 6, test-per-class = 3 }",
        "provpt.prompts.per-block = 1", "provpt.train.batch-size = 20"));
    var comparison = new Comparison(experiment, List.of(), List.of(Comparison.Variant.parse("deep:method=vpt-deep"),
        Comparison.Variant.parse("probe:method=linear,train.base-lr=1")), List.of(1L, 2L));
    List<String> started = new ArrayList<>();
    var rows = comparison.run(tmp.resolve("out"), started::add);
    assertEquals(4, started.size());
    ObjectMapper json = new ObjectMapper();
    for (var row : rows) {
      List<Double> test = new ArrayList<>();
      for (long seed : List.of(1L, 2L)) {
        Map<?, ?> summary = json.readValue(tmp.resolve("out").resolve(row.variant() + "-seed" + seed)
            .resolve("summary.json").toFile(), Map.class);
        test.add(((Number) summary.get("test_acc")).doubleValue());
      }
      assertEquals(test, row.testAccuracy());
      assertEquals((test.get(0) + test.get(1)) / 2, row.testMean(), 1e-12);
      assertEquals(Math.abs(test.get(0) - test.get(1)) / Math.sqrt(2), row.testStd(), 1e-12);
      for (int i = 0; i < 2; i++) {
        assertEquals(test.get(i) - rows.get(0).testAccuracy().get(i), row.differenceToFirst().get(i), 1e-12);
      }
    }
    assertEquals(0.0, rows.get(0).differenceMean(), 0.0);
    assertTrue(Files.readString(tmp.resolve("out").resolve(Comparison.MARKDOWN_FILE)).contains("| probe | `method=linear"));
    started.clear();
    comparison.run(tmp.resolve("out"), started::add);
    assertEquals(List.of(), started, "nothing runs twice");
  }
}
