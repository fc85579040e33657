package dev.provpt.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The architecture numbers of a Vision Transformer backbone, as stored in {@code model.conf}.
 *
 * @param gelu the activation of the MLP blocks: the exact (erf) form or the JAX release's tanh approximation
 * @param normalization the input normalisation the backbone was trained with (see data.Normalization)
 * @param upstreamClasses classes of the pre-training head baked into serving_default (0 when none)
 */
public record VitConfig(
    int imageSize,
    int channels,
    int patchSize,
    int width,
    int depth,
    int heads,
    int mlpDim,
    Gelu gelu,
    double layerNormEps,
    String normalization,
    int upstreamClasses) {

  public VitConfig {
    require(imageSize > 0, "image-size must be > 0, got " + imageSize);
    require(channels > 0, "channels must be > 0, got " + channels);
    require(patchSize > 0 && imageSize % patchSize == 0,
        "patch-size must divide image-size " + imageSize + ", got " + patchSize);
    require(width > 0 && heads > 0 && width % heads == 0,
        "width must be a positive multiple of heads, got width " + width + " heads " + heads);
    require(depth > 0, "depth must be > 0, got " + depth);
    require(mlpDim > 0, "mlp-dim must be > 0, got " + mlpDim);
    require(gelu != null, "gelu must be exact or tanh, got none");
    require(layerNormEps > 0, "layer-norm-eps must be > 0, got " + layerNormEps);
    require(upstreamClasses >= 0, "upstream-classes must be >= 0, got " + upstreamClasses);
  }

  public VitConfig withUpstreamClasses(int classes) {
    return new VitConfig(imageSize, channels, patchSize, width, depth, heads, mlpDim, gelu, layerNormEps,
        normalization, classes);
  }

  public VitConfig withNormalization(String name) {
    return new VitConfig(imageSize, channels, patchSize, width, depth, heads, mlpDim, gelu, layerNormEps,
        name, upstreamClasses);
  }

  public int gridSize() {
    return imageSize / patchSize;
  }

  public int numPatches() {
    return gridSize() * gridSize();
  }

  /** Tokens without prompts: [CLS] plus one per patch. */
  public int baseTokens() {
    return numPatches() + 1;
  }

  public int headDim() {
    return width / heads;
  }

  /** Trainable backbone parameters (excludes the upstream head). */
  public long backboneParameters() {
    long d = width;
    long patchEmbed = (long) patchSize * patchSize * channels * d + d;
    long perBlock = 4 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * mlpDim + mlpDim) + ((long) mlpDim * d + d);
    return patchEmbed + d + baseTokens() * d + depth * perBlock + 2 * d;
  }

  public static VitConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ModelException(file + ": model.conf not found (every backbone directory needs one)");
    }
    try {
      Config c = ConfigFactory.parseFile(file.toFile()).resolve();
      return new VitConfig(
          c.getInt("image-size"),
          c.getInt("channels"),
          c.getInt("patch-size"),
          c.getInt("width"),
          c.getInt("depth"),
          c.getInt("heads"),
          c.getInt("mlp-dim"),
          c.hasPath("gelu") ? Gelu.of(c.getString("gelu")) : Gelu.EXACT,
          c.hasPath("layer-norm-eps") ? c.getDouble("layer-norm-eps") : 1e-6,
          c.hasPath("normalization") ? c.getString("normalization") : "none",
          c.hasPath("upstream-classes") ? c.getInt("upstream-classes") : 0);
    } catch (ConfigException | IllegalArgumentException e) {
      throw new ModelException(file + ": invalid model.conf: " + e.getMessage(), e);
    }
  }

  public void write(Path file) throws IOException {
    String text = String.join("\n",
        "# Architecture of this backbone; provpt checks it against the SavedModel's variables.",
        "image-size = " + imageSize,
        "channels = " + channels,
        "patch-size = " + patchSize,
        "width = " + width,
        "depth = " + depth,
        "heads = " + heads,
        "mlp-dim = " + mlpDim,
        "gelu = " + gelu.key,
        "layer-norm-eps = " + layerNormEps,
        "normalization = " + normalization,
        "upstream-classes = " + upstreamClasses,
        "");
    Files.writeString(file, text);
  }

  public String describe() {
    return String.format(
        "ViT %dx%dx%d, patch %d (%d patches), width %d, depth %d, heads %d, mlp %d, gelu %s, norm %s",
        imageSize, imageSize, channels, patchSize, numPatches(), width, depth, heads, mlpDim, gelu.key,
        normalization);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
