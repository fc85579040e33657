package dev.provpt.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.data.Augmentation;
import dev.provpt.data.Normalization;
import dev.provpt.data.NormalizationChoice;
import dev.provpt.data.TaskSource;
import dev.provpt.model.Backbone;
import dev.provpt.model.VitConfig;
import dev.provpt.train.TuningSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentSettingsTest {
  @TempDir
  Path tmp;

  @Test
  void defaultsComeFromReferenceConfAndOverridesLayer() throws Exception {
    Path file = tmp.resolve("exp.conf");
    Files.writeString(file, "provpt {\n  train.epochs = 7\n  method = vpt-deep\n}\n");
    var s = ExperimentSettings.from(ConfigLoader.load(file, List.of("train.batch-size=32")));
    assertEquals(7, s.train().epochs());
    assertEquals(32, s.train().batchSize());
    assertEquals(dev.provpt.method.Method.VPT_DEEP, s.method());
    assertEquals(0.5 * 32 / 256, s.train().learningRate(), 1e-12);
    assertEquals("taylor", s.proVpt().prune().key);
    assertEquals(60, s.ppo().kEpochs());
  }

  @Test
  void aWrongTypeNamesTheKeyTheValueAndTheLine() throws Exception {
    Path file = tmp.resolve("bad.conf");
    Files.writeString(file, "provpt {\n  name = ok\n  train.epochs = \"many\"\n}\n");
    var e = assertThrows(SettingsException.class, () -> ExperimentSettings.from(ConfigLoader.load(file, List.of())));
    assertTrue(e.getMessage().contains("provpt.train.epochs must be an integer, got \"many\"")
        && e.getMessage().contains("bad.conf line 3"), e.getMessage());
  }

  @Test
  void outOfRangeAndUnknownChoicesAreRefused() {
    var range = assertThrows(SettingsException.class,
        () -> ExperimentSettings.from(ConfigLoader.load(null, List.of("prompts.dropout=1.5"))));
    assertTrue(range.getMessage().contains("provpt.prompts.dropout must be a number >= 0.0 and <= 0.95, got 1.5 "
        + "(--set prompts.dropout=1.5)"), range.getMessage());
    var choice = assertThrows(SettingsException.class,
        () -> ExperimentSettings.from(ConfigLoader.load(null, List.of("method=vpt-deeep"))));
    assertTrue(choice.getMessage().contains("one of [pixels, linear, vpt-shallow, vpt-deep, pro-vpt]"), choice.getMessage());
    var override = assertThrows(SettingsException.class, () -> ConfigLoader.load(null, List.of("train.epochs")));
    assertTrue(override.getMessage().contains("expected key=value"), override.getMessage());
  }

  @Test
  void aWrongChoiceNamesTheKeyTheValueTheChoicesAndWhereItCameFrom() throws Exception {
    Path file = tmp.resolve("choice.conf");
    Files.writeString(file, "provpt {\n  name = ok\n  pro-vpt.prune = x\n}\n");
    var prune = assertThrows(SettingsException.class, () -> ExperimentSettings.from(ConfigLoader.load(file, List.of())));
    assertTrue(prune.getMessage().contains("provpt.pro-vpt.prune must be one of [taylor, random], got \"x\" (")
        && prune.getMessage().contains("choice.conf line 3)"), prune.getMessage());
    for (String[] wrong : new String[][] {{"pro-vpt.allocate=bandit", "[ppo, thompson]"},
        {"pro-vpt.scoring=offline", "[online, pass]"}, {"data.kind=coco", "[shapes, idx, vtab, folder, suite, tfds]"}}) {
      var e = assertThrows(SettingsException.class,
          () -> ExperimentSettings.from(ConfigLoader.load(null, List.of(wrong[0]))));
      String[] keyValue = wrong[0].split("=");
      assertTrue(e.getMessage().contains("provpt." + keyValue[0] + " must be one of " + wrong[1] + ", got \""
          + keyValue[1] + "\" (--set " + wrong[0] + ")"), e.getMessage());
    }
  }

  @Test
  void choicesBecomeTheirConstants() {
    var defaults = ExperimentSettings.from(ConfigLoader.load(null, List.of()));
    assertEquals(new ExperimentSettings.ProVptSettings(ExperimentSettings.Prune.TAYLOR,
        ExperimentSettings.Allocate.PPO, ExperimentSettings.Scoring.ONLINE, 1, 0.001), defaults.proVpt());
    var ablation = ExperimentSettings.from(ConfigLoader.load(null,
        List.of("pro-vpt.prune=random", "pro-vpt.allocate=thompson", "pro-vpt.scoring=pass")));
    assertEquals(ExperimentSettings.Prune.RANDOM, ablation.proVpt().prune());
    assertEquals(ExperimentSettings.Allocate.THOMPSON, ablation.proVpt().allocate());
    assertEquals(ExperimentSettings.Scoring.PASS, ablation.proVpt().scoring());
  }

  @Test
  void eachDataKindGivesItsOwnRecord() throws Exception {
    var defaults = ExperimentSettings.from(ConfigLoader.load(null, List.of()));
    assertEquals(new TaskSource.Shapes(2026, 100, 100), defaults.data().source());
    assertEquals(List.of(800, 200), List.of(defaults.data().trainSize(), defaults.data().valSize()));
    Path train = Files.createDirectories(tmp.resolve("train"));
    Path test = Files.createDirectories(tmp.resolve("test"));
    var folder = ExperimentSettings.from(ConfigLoader.load(null,
        List.of("data.kind=folder", "data.folder.train=\"" + train + "\"", "data.folder.test=\"" + test + "\"")));
    assertEquals(new TaskSource.Folder(train, test, 0.2, 2026, 0), folder.data().source());
    var vtab = ExperimentSettings.from(ConfigLoader.load(null,
        List.of("data.kind=vtab", "data.vtab.root=\"" + train + "\"", "data.vtab.classes=5")));
    assertEquals(new TaskSource.Vtab(train, 5), vtab.data().source());
    List<String> idxOverrides = new java.util.ArrayList<>(List.of("data.kind=idx", "data.idx.classes=3"));
    for (String file : List.of("train-images", "train-labels", "test-images", "test-labels")) {
      idxOverrides.add("data.idx." + file + "=\"" + Files.writeString(tmp.resolve(file), "") + "\"");
    }
    var idx = ExperimentSettings.from(ConfigLoader.load(null, idxOverrides));
    assertEquals(new TaskSource.Idx(tmp.resolve("train-images"), tmp.resolve("train-labels"),
        tmp.resolve("test-images"), tmp.resolve("test-labels"), 3), idx.data().source());
    // a section of a kind not chosen is still checked
    var unused = assertThrows(SettingsException.class,
        () -> ExperimentSettings.from(ConfigLoader.load(null, List.of("data.idx.classes=1"))));
    assertTrue(unused.getMessage().contains("provpt.data.idx.classes must be an integer in [2, 256]"),
        unused.getMessage());
  }

  @Test
  void augmentationAndNormalizationDefaultToNoneAndTheBackbones() {
    var defaults = ExperimentSettings.from(ConfigLoader.load(null, List.of()));
    assertEquals(Augmentation.NONE, defaults.data().augmentation());
    assertEquals(new NormalizationChoice.Auto(), defaults.data().normalization());
    var chosen = ExperimentSettings.from(ConfigLoader.load(null,
        List.of("data.augmentation=fgvc", "data.normalization=inception")));
    assertEquals(Augmentation.FGVC, chosen.data().augmentation());
    assertEquals(new NormalizationChoice.Named("inception"), chosen.data().normalization());
  }

  @Test
  void anUnknownAugmentationOrNormalizationNamesTheKeyTheValueAndTheChoices() {
    var augmentation = assertThrows(SettingsException.class,
        () -> ExperimentSettings.from(ConfigLoader.load(null, List.of("data.augmentation=randaugment"))));
    assertTrue(augmentation.getMessage().contains("provpt.data.augmentation must be one of [none, fgvc], got "
        + "\"randaugment\" (--set data.augmentation=randaugment)"), augmentation.getMessage());
    var normalization = assertThrows(SettingsException.class,
        () -> ExperimentSettings.from(ConfigLoader.load(null, List.of("data.normalization=imagenet21k"))));
    assertTrue(normalization.getMessage().contains("provpt.data.normalization must be one of "
        + "[auto, fashion-mnist, fractal-glyphs, imagenet, inception, none], got \"imagenet21k\""), normalization.getMessage());
  }

  @Test
  void theRunsNormalizationIsTheBackbonesUnlessNamedAndMustFitItsChannels() {
    var defaults = ExperimentSettings.from(ConfigLoader.load(null, List.of()));
    VitConfig backbone = VitConfig.read(defaults.backbone().resolve(Backbone.MODEL_CONF)); // 1 channel, fashion-mnist
    // Normalization holds arrays, so compare its statistics rather than the records
    assertArrayEquals(Normalization.of("fashion-mnist", 1).mean(), TuningSetup.normalization(defaults, backbone).mean());
    var inception = ExperimentSettings.from(ConfigLoader.load(null, List.of("data.normalization=inception")));
    assertArrayEquals(Normalization.of("inception", 1).mean(), TuningSetup.normalization(inception, backbone).mean());
    var imagenet = ExperimentSettings.from(ConfigLoader.load(null, List.of("data.normalization=imagenet")));
    var e = assertThrows(SettingsException.class, () -> TuningSetup.normalization(imagenet, backbone));
    assertTrue(e.getMessage().contains("provpt.data.normalization = imagenet does not fit backbone")
        && e.getMessage().contains("1-channel"), e.getMessage());
  }

  @Test
  void anUnknownKeyIsAnErrorNamingItsLine() throws Exception {
    Path file = tmp.resolve("typo.conf");
    Files.writeString(file, "provpt {\n  train {\n    epocs = 3\n  }\n}\n");
    var e = assertThrows(SettingsException.class, () -> ConfigLoader.load(file, List.of()));
    assertTrue(e.getMessage().contains("unknown key provpt.train.epocs") && e.getMessage().contains("typo.conf line 3")
        && e.getMessage().contains("epochs"), e.getMessage());
    var set = assertThrows(SettingsException.class, () -> ConfigLoader.load(null, List.of("prompt.per-block=3")));
    assertTrue(set.getMessage().contains("unknown key provpt.prompt.per-block"), set.getMessage());
  }

  @Test
  void aMissingFileIsReportedWithItsKeyAndLine() throws Exception {
    Path file = tmp.resolve("missing.conf");
    Files.writeString(file, "provpt {\n  backbone = \"models/nothing-here\"\n}\n");
    var e = assertThrows(SettingsException.class, () -> ExperimentSettings.from(ConfigLoader.load(file, List.of())));
    assertTrue(e.getMessage().contains("provpt.backbone must be an existing backbone directory")
        && e.getMessage().contains("models/nothing-here") && e.getMessage().contains("missing.conf line 2"),
        e.getMessage());
    var idx = assertThrows(SettingsException.class, () -> ExperimentSettings.from(ConfigLoader.load(null,
        List.of("data.kind=idx", "data.idx.train-images=/nowhere/x.gz"))));
    assertTrue(idx.getMessage().contains("provpt.data.idx.train-images must be an existing IDX file"), idx.getMessage());
  }

  @Test
  void malformedHoconNamesTheFile() throws Exception {
    Path file = tmp.resolve("broken.conf");
    Files.writeString(file, "provpt { train { epochs = 3\n");
    var e = assertThrows(SettingsException.class, () -> ConfigLoader.load(file, List.of()));
    assertTrue(e.getMessage().contains("broken.conf"), e.getMessage());
  }

  /** config.conf is what --resume and the daemon read back: every setting must survive the round trip. */
  @Test
  void theRenderedConfigurationReadsBackAsTheSameSettings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    var original = ExperimentSettings.from(ConfigLoader.load(null, List.of("prompts.per-block=8", "seed=7",
        "pro-vpt.idleness=attention-gate", "train.base-lr=2.5", "checkpoints.keep-epochs=[2,5]")));
    var file = java.nio.file.Files.writeString(tmp.resolve("config.conf"), original.render());
    var reread = ExperimentSettings.from(ConfigLoader.load(file, List.of()));
    assertEquals(original.prompts(), reread.prompts());
    assertEquals(original.seed(), reread.seed());
    assertEquals(original.proVpt(), reread.proVpt());
    assertEquals(original.train(), reread.train());
    assertEquals(original.data(), reread.data());
    assertEquals(original.keptCheckpoints(), reread.keptCheckpoints());
    assertEquals(original.source().getConfig("provpt"), reread.source().getConfig("provpt"));
  }
}
