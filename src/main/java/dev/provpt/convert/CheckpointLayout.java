package dev.provpt.convert;

import dev.provpt.model.Gelu;
import dev.provpt.model.ModelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one family of checkpoints names and lays out a ViT's tensors: which tensors reveal the
 * architecture, which tensors that architecture needs, and how each becomes one of ours.
 */
public abstract class CheckpointLayout {

  /** The architecture a checkpoint holds, read from its shapes. */
  public record SourceArch(int imageSize, int channels, int patchSize, int width, int depth, int heads,
      int mlpDim, int headClasses, boolean preLogits) {
    int grid() {
      return imageSize / patchSize;
    }
  }

  /** Opens a checkpoint file of this layout with the reader its format needs. */
  public abstract CheckpointReader open(java.nio.file.Path file);

  /** A layout's name for messages: "original ViT release (.npz)". */
  public abstract String describe();

  /** The input normalisation its checkpoints assume, or null when they differ. */
  public abstract String defaultNormalization();

  /** The GELU the source implementation computes. */
  public abstract Gelu gelu();

  /** Reads the architecture from the tensor shapes; {@code heads} is used where shapes cannot tell (0: infer). */
  public abstract SourceArch infer(Map<String, long[]> shapes, int heads);

  /** Every tensor (name → shape) a checkpoint of this architecture must hold. */
  public abstract Map<String, long[]> required(SourceArch arch);

  /** Tensors it may hold besides: the upstream head and, in the JAX release, pre_logits. */
  public abstract Map<String, long[]> optional(SourceArch arch);

  /** Our tensors from the checkpoint's, by our canonical names; pos_embed at the source grid. */
  public abstract Map<String, float[]> convert(CheckpointReader reader, SourceArch arch, boolean keepHead);

  /** Why an unexpected tensor may be there (a model family this layout does not cover), or null. */
  public String hint(String unexpectedTensor) {
    return null;
  }

  /** The names of the source's upstream head kernel and bias. */
  public abstract String headKernelName();

  // ---- shared helpers -------------------------------------------------------------------------

  /** The highest block index mentioned by names matching {@code pattern} (group 1), plus one. */
  static int countBlocks(Map<String, long[]> shapes, Pattern pattern) {
    int depth = 0;
    for (String name : shapes.keySet()) {
      Matcher m = pattern.matcher(name);
      if (m.lookingAt()) {
        depth = Math.max(depth, Integer.parseInt(m.group(1)) + 1);
      }
    }
    return depth;
  }

  /** The shape of the first tensor whose name matches {@code pattern} and whose rank is {@code rank}. */
  static long[] firstShape(Map<String, long[]> shapes, Pattern pattern, int rank) {
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      if (pattern.matcher(e.getKey()).matches() && e.getValue().length == rank) {
        return e.getValue();
      }
    }
    return null;
  }

  static ModelException cannotInfer(String what, String tensor, String expectedShape, Map<String, long[]> shapes) {
    List<String> sample = new ArrayList<>();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      if (sample.size() == 12) {
        sample.add("... (" + shapes.size() + " tensors in all)");
        break;
      }
      sample.add(e.getKey() + " " + Arrays.toString(e.getValue()));
    }
    return new ModelException("cannot infer the " + what + ": tensor " + tensor + " (" + expectedShape
        + ") is missing or has another rank; the checkpoint holds: " + String.join(", ", sample));
  }

  /** grid from the number of position-embedding rows (grid^2 patches + [CLS]). */
  static int gridOf(long rows, String tensor) {
    int grid = (int) Math.round(Math.sqrt(rows - 1));
    if (rows < 2 || (long) grid * grid != rows - 1) {
      throw new ModelException("tensor " + tensor + " has " + rows + " rows, expected [CLS] + a square grid of"
          + " patches (1 + n^2); embeddings without a [CLS] row are not supported");
    }
    return grid;
  }

  static long[] shape(long... dims) {
    return dims;
  }

  /** Row-major transpose of a [rows, cols] matrix. */
  static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }

  static Map<String, long[]> ordered() {
    return new LinkedHashMap<>();
  }
}
