package dev.provpt.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunResultTest {
  @Test
  void aProVptScheduleSettingOffItsDefaultNamesTheConfiguration() {
    var defaults = ConfigFactory.defaultReference();
    assertEquals(List.of(), RunResult.offDefault(defaults, RunResult.KNOBS), "the defaults name nothing");
    var changed = ConfigFactory.parseString("provpt.pro-vpt.warmup-epochs = 5\nprovpt.ppo.update-every = 1\n"
        + "provpt.pro-vpt.relocation-scale = 0.001\nprovpt.train.epochs = 20").withFallback(defaults);
    assertEquals(List.of("warmup-epochs=5", "update-every=1"), RunResult.offDefault(changed, RunResult.KNOBS),
        "only the schedule settings that differ, in KNOBS order; relocation-scale is at its default, epochs is no knob");
  }

  @Test
  void precisionAndPromptsPerBlockOffTheirDefaultsAreSettings() {
    var defaults = ConfigFactory.defaultReference();
    assertEquals(List.of(), RunResult.offDefault(defaults, RunResult.SETTINGS));
    var changed = ConfigFactory.parseString("provpt.precision = bf16\nprovpt.prompts.per-block = 8")
        .withFallback(defaults);
    assertEquals(List.of("precision=bf16", "per-block=8"), RunResult.offDefault(changed, RunResult.SETTINGS));
  }

  /** config.conf says what was asked for; summary.json's precision what ran (bf16 falls back to fp32 on some CPUs). */
  @Test
  void theRecordedPrecisionNamesTheConfigurationNotTheRequestedOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Files.writeString(dir.resolve("config.conf"), "provpt.precision = bf16\n");
    java.nio.file.Files.writeString(dir.resolve("summary.json"), "{\"method\": \"vpt-deep\", \"task\": "
        + "\"digits/train800val200\", \"seed\": 1, \"test_acc\": 0.5, \"precision\": \"fp32\"}");
    assertEquals("vpt-deep", RunResult.read(dir).configuration(), "asked for bf16, ran fp32");
    java.nio.file.Files.writeString(dir.resolve("summary.json"), "{\"method\": \"vpt-deep\", \"task\": "
        + "\"digits/train800val200\", \"seed\": 1, \"test_acc\": 0.5, \"precision\": \"bf16\"}");
    assertEquals("vpt-deep (precision=bf16)", RunResult.read(dir).configuration());
    assertEquals("vpt-deep", RunResult.read(dir).baseConfiguration());
  }
}
