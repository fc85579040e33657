package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.config.ConfigLoader;
import dev.provpt.config.Settings;
import dev.provpt.config.SettingsException;
import dev.provpt.data.Normalization;
import dev.provpt.data.pretrain.FractalGlyphs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped pre-training recipes parse, and a head that does not fit the data is refused before any work. */
class PretrainRecipeTest {

  @Test
  void fractalGlyphsRecipeParsesAndItsHeadFitsItsData() {
    Settings s = new Settings(ConfigLoader.load(Path.of("models/recipes/fractal-glyphs-vit8.conf"), List.of()));
    String d = "provpt.pretrain.data.";
    assertEquals("fractal-glyphs", s.string(d + "kind"));
    assertEquals("models/fractal-glyphs-vit8", s.string("provpt.pretrain.out"));
    assertEquals(6, s.intIn("provpt.pretrain.epochs", 1, 100));
    FractalGlyphs.Spec spec = new FractalGlyphs.Spec(s.intIn(d + "fractal-classes", 0, 100000), s.longValue(d + "fractal-seed"),
        s.bool(d + "glyphs"), s.intIn(d + "images-per-class", 1, 100000), s.intIn(d + "test-images-per-class", 1, 100000),
        s.longValue(d + "seed"), s.longValue(d + "suite-seed"));
    assertEquals(135, FractalGlyphs.numClasses(spec));
    assertEquals(135, s.intIn("provpt.pretrain.model.upstream-classes", 2, 100000));
    assertEquals(dev.provpt.data.suite.SuiteTasks.SEED, spec.suiteSeed());
    Normalization.of(s.string("provpt.pretrain.model.normalization"), 1);
    // the shipped Fashion-MNIST recipe still reads as before
    Settings fmnist = new Settings(ConfigLoader.load(Path.of("models/recipes/fmnist-vit8.conf"), List.of()));
    assertEquals("fashion-mnist", fmnist.string(d + "kind"));
    assertEquals("/usr/share/datasets/fashion-mnist", fmnist.string("provpt.pretrain.data-dir"));
  }

  @Test
  void aHeadThatDoesNotFitTheDataIsRefused() {
    PretrainCommand command = command("fractal-glyphs-vit8", "provpt.pretrain.data.glyphs=false");
    var error = assertThrows(SettingsException.class, command::call);
    assertTrue(error.getMessage().startsWith("provpt.pretrain.model.upstream-classes must be 100 (the fractal-glyphs "
        + "data has 100 fractal + 0 glyph classes = 100), got 135"), error.getMessage());
    PretrainCommand fmnist = command("fmnist-vit8", "provpt.pretrain.model.upstream-classes=12");
    assertThrows(SettingsException.class, fmnist::call);
  }

  @Test
  void anUnknownObjectiveOrAMaskThatHidesEverythingIsRefusedBeforeAnyWork() {
    PretrainCommand unknown = command("glyph-bank-vit8", "provpt.pretrain.objective=mim");
    var error = assertThrows(SettingsException.class, unknown::call);
    assertTrue(error.getMessage().startsWith("provpt.pretrain.objective must be one of"), error.getMessage());
    assertTrue(error.getMessage().contains("masked-image"), error.getMessage());
    PretrainCommand everything = command("glyph-bank-vit8", "provpt.pretrain.objective=masked-image",
        "provpt.pretrain.mask-ratio=1");
    error = assertThrows(SettingsException.class, everything::call);
    assertTrue(error.getMessage().startsWith("provpt.pretrain.mask-ratio must be a number > 0 and < 1"),
        error.getMessage());
  }

  /** {@code provpt pretrain} on a shipped recipe with {@code overrides}, writing nowhere if it ever got that far. */
  private static PretrainCommand command(String recipe, String... overrides) {
    PretrainCommand command = new PretrainCommand();
    command.experiment.configFile = Path.of("models/recipes/" + recipe + ".conf");
    command.experiment.overrides = new java.util.ArrayList<>(List.of(overrides));
    command.experiment.overrides.add("provpt.pretrain.out=/nonexistent/never-written");
    return command;
  }
}
