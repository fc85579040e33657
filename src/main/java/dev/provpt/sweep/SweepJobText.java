package dev.provpt.sweep;

import com.typesafe.config.ConfigFactory;
import dev.provpt.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * A sweep's runs as text: the experiment text of one run as a daemon job gets it, and the text a
 * sweep's id is the hash of (without the settings that change how a run computes, not what).
 */
final class SweepJobText {
  private SweepJobText() {}

  /**
   * Settings under provpt that are no part of a sweep's id: how a run is computed, not what (the linear probe's
   * feature cache gives the same steps up to float rounding; ASHA trains prefixes of the same grid runs). Jobs still
   * carry them.
   */
  static final List<String> NOT_IDENTITY = List.of("train.cache-features", "pro-vpt.measure-every-estimator",
      "sweep.scheduler", "sweep.asha");

  /**
   * Settings added after sweeps were collected and committed: part of a sweep's id only where they differ from
   * their default, so the committed sweeps keep their ids (a suite task does not read the folder kind's keys, and no
   * tuning run reads provpt.pretrain's).
   */
  static final List<String> IDENTITY_WHEN_SET = List.of("data.folder.test-fraction", "data.folder.test-seed",
      "data.folder.val-fraction", "pretrain.schedule", "pretrain.warmup-epochs", "pretrain.state-dir",
      "pretrain.data.glyph-set", "pretrain.data.augment", "pretrain.data.fresh-each-epoch", "pretrain.objective",
      "pretrain.mask-ratio");

  /** A run's experiment text ({@link Sweep#jobText}); for the sweep's identity without {@link #NOT_IDENTITY}. */
  static String text(Path experiment, Sweep.RunSpec spec, boolean identity) {
    // without the variants: they are the sweep's, not the run's, so adding one keeps the grid's id and jobs
    var provpt = ConfigLoader.load(experiment, spec.overrides()).getConfig("provpt").withoutPath("daemon")
        .withoutPath("cluster").withoutPath("sweep.variants");
    for (String key : identity ? NOT_IDENTITY : List.<String>of()) {
      provpt = provpt.withoutPath(key);
    }
    var defaults = ConfigFactory.defaultReference().getConfig("provpt");
    for (String key : identity ? IDENTITY_WHEN_SET : List.<String>of()) {
      if (provpt.hasPath(key) && provpt.getValue(key).unwrapped().equals(defaults.getValue(key).unwrapped())) {
        provpt = provpt.withoutPath(key);
      }
    }
    return ConfigFactory.empty().withValue("provpt", provpt.root()).root().render(
        com.typesafe.config.ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false)
            .setFormatted(true));
  }

  static String sha256(String text) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
