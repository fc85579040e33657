package dev.provpt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.model.Precision;
import dev.provpt.model.Xla;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrecisionSettingsTest {
  @Test
  void precisionAndXlaDefaultToFp32AndOffAndAreChoices() {
    var defaults = ExperimentSettings.from(ConfigLoader.load(null, List.of()));
    assertEquals(Precision.FP32, defaults.precision());
    assertEquals(Xla.OFF, defaults.xla());
    var chosen = ExperimentSettings.from(ConfigLoader.load(null, List.of("precision=bf16", "xla=on")));
    assertEquals(Precision.BF16, chosen.precision());
    assertEquals(Xla.ON, chosen.xla());
    var bad = assertThrows(SettingsException.class,
        () -> ExperimentSettings.from(ConfigLoader.load(null, List.of("precision=fp16"))));
    assertTrue(bad.getMessage().contains("provpt.precision") && bad.getMessage().contains("[fp32, bf16]"),
        bad.getMessage());
    var badXla = assertThrows(SettingsException.class,
        () -> ExperimentSettings.from(ConfigLoader.load(null, List.of("xla=maybe"))));
    assertTrue(badXla.getMessage().contains("[off, on]"), badXla.getMessage());
  }

  @Test
  void threadsSetForAJobAreInItsRenderedConfig() {
    var s = ExperimentSettings.from(ConfigLoader.load(null, List.of("precision=bf16"))).withTensorflowThreads(1);
    assertEquals(1, s.tensorflowThreads());
    assertEquals(Precision.BF16, s.precision());
    var again = ExperimentSettings.from(ConfigLoader.parse(s.render(), "config.conf", List.of()));
    assertEquals(1, again.tensorflowThreads());
    assertEquals(Precision.BF16, again.precision());
  }
}
