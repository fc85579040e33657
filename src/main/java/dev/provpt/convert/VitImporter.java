package dev.provpt.convert;

import dev.provpt.data.Normalization;
import dev.provpt.model.Gelu;
import dev.provpt.model.ModelException;
import dev.provpt.model.VitConfig;
import dev.provpt.model.VitWeights;
import dev.provpt.model.WeightTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a foreign ViT checkpoint into our backbone weights: infers the architecture from the
 * shapes, checks every tensor against it (naming each missing, unexpected or mis-shaped one),
 * converts layouts, and resizes the position embedding when asked for another resolution.
 */
public final class VitImporter {

  /**
   * @param imageSize resolution of the imported backbone; 0 keeps the checkpoint's
   * @param heads attention heads; 0 infers them (from the shapes, or the standard ViT of that width for timm)
   * @param gelu a {@link Gelu} key ("tanh" or "exact", as {@code --gelu} takes it); null takes the source
   *     implementation's
   * @param normalization input normalisation recorded in model.conf; null takes the layout's default
   */
  public record Options(int imageSize, int heads, String gelu, String normalization) {
    public static Options defaults() {
      return new Options(0, 0, null, null);
    }
  }

  /** The imported backbone with what happened on the way, for the user and for import.json. */
  public record Result(VitConfig config, VitWeights weights, CheckpointLayout.SourceArch source, List<String> notes) {}

  private VitImporter() {}

  /** The layout a checkpoint file's extension implies. */
  public static CheckpointLayout layoutOf(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(".npz")) {
      return new JaxLayout();
    }
    if (name.endsWith(".safetensors")) {
      return new TimmLayout();
    }
    throw new ModelException(file + ": unknown checkpoint format, expected a .npz (original ViT release)"
        + " or .safetensors (timm) file");
  }

  /** Opens the checkpoint file with the reader its extension calls for. */
  public static CheckpointReader open(Path file) {
    return layoutOf(file).open(file);
  }

  /** Imports {@code file} (a .npz or .safetensors checkpoint). */
  public static Result importFile(Path file, Options options) {
    CheckpointLayout layout = layoutOf(file);
    try (CheckpointReader reader = layout.open(file)) {
      return importFrom(reader, layout, options);
    }
  }

  public static Result importFrom(CheckpointReader reader, CheckpointLayout layout, Options options) {
    Map<String, long[]> shapes = reader.shapes();
    CheckpointLayout.SourceArch arch = layout.infer(shapes, options.heads());
    if (arch.depth() == 0) {
      throw new ModelException(reader.source() + ": no transformer blocks found for the " + layout.describe());
    }
    if (arch.width() % arch.heads() != 0) {
      throw new ModelException(reader.source() + ": width " + arch.width() + " is not divisible by "
          + arch.heads() + " heads");
    }
    checkTensors(reader.source(), layout, arch, shapes);

    String normalization = options.normalization() != null ? options.normalization()
        : layout.defaultNormalization();
    if (normalization == null) {
      throw new ModelException(reader.source() + ": a " + layout.describe() + " checkpoint does not record its"
          + " input normalisation; pass --normalization imagenet (mean 0.485,0.456,0.406) or inception"
          + " (mean 0.5, std 0.5)");
    }
    Normalization.of(normalization, arch.channels()); // rejects unknown names with the list of known ones
    List<String> notes = new ArrayList<>();
    boolean keepHead = arch.headClasses() > 0 && !arch.preLogits();
    if (keepHead) {
      notes.add("upstream head " + layout.headKernelName() + " (" + arch.headClasses()
          + " classes) kept as serving_default");
    } else if (arch.headClasses() > 0) {
      notes.add("upstream head not kept: it sits on pre_logits (dense + tanh), which serving_default does not"
          + " model; tuning never uses it");
    }
    if (layout instanceof TimmLayout && options.heads() <= 0) {
      notes.add(arch.heads() + " heads, as the standard ViT of width " + arch.width()
          + " (timm files do not record it; pass --heads if this model differs)");
    }
    Gelu gelu = options.gelu() != null ? Gelu.of(options.gelu()) : layout.gelu();
    notes.add("GELU " + gelu.key + (options.gelu() != null ? " (as asked)" : " (as the source implementation)"));

    int imageSize = options.imageSize() > 0 ? options.imageSize() : arch.imageSize();
    if (imageSize % arch.patchSize() != 0) {
      throw new ModelException("image size " + imageSize + " is not a multiple of the checkpoint's patch size "
          + arch.patchSize());
    }
    Map<String, float[]> values = layout.convert(reader, arch, keepHead);
    int grid = imageSize / arch.patchSize();
    if (grid != arch.grid()) {
      values.put(VitWeights.POS_EMBED,
          PositionEmbeddings.resize(values.get(VitWeights.POS_EMBED), arch.grid(), grid, arch.width()));
      notes.add("position embedding resized bicubically from a " + arch.grid() + "x" + arch.grid() + " to a "
          + grid + "x" + grid + " grid (" + arch.imageSize() + " -> " + imageSize + " pixels)");
    }

    VitConfig config = new VitConfig(imageSize, arch.channels(), arch.patchSize(), arch.width(), arch.depth(),
        arch.heads(), arch.mlpDim(), gelu, 1e-6, normalization, keepHead ? arch.headClasses() : 0);

    Map<String, WeightTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : VitWeights.expectedShapes(config).entrySet()) {
      tensors.put(e.getKey(), new WeightTensor(e.getKey(), e.getValue(), values.get(e.getKey())));
    }
    VitWeights weights = new VitWeights(tensors);
    weights.checkAgainst(config, "imported " + reader.source());
    return new Result(config, weights, arch, notes);
  }

  /** Every missing, mis-shaped and unexpected tensor, all in one message. */
  private static void checkTensors(String source, CheckpointLayout layout, CheckpointLayout.SourceArch arch,
      Map<String, long[]> shapes) {
    Map<String, long[]> required = layout.required(arch);
    Map<String, long[]> optional = layout.optional(arch);
    List<String> problems = new ArrayList<>();
    required.forEach((name, shape) -> {
      long[] found = shapes.get(name);
      if (found == null) {
        problems.add("missing tensor " + name + " (expected shape " + Arrays.toString(shape) + ")");
      } else if (!Arrays.equals(found, shape)) {
        problems.add("tensor " + name + " has shape " + Arrays.toString(found) + ", expected "
            + Arrays.toString(shape));
      }
    });
    optional.forEach((name, shape) -> {
      long[] found = shapes.get(name);
      if (found != null && !Arrays.equals(found, shape)) {
        problems.add("tensor " + name + " has shape " + Arrays.toString(found) + ", expected "
            + Arrays.toString(shape));
      }
    });
    // An optional pair (kernel + bias) must be whole.
    List<String> optionalNames = new ArrayList<>(optional.keySet());
    for (int i = 0; i + 1 < optionalNames.size(); i += 2) {
      boolean kernel = shapes.containsKey(optionalNames.get(i));
      boolean bias = shapes.containsKey(optionalNames.get(i + 1));
      if (kernel != bias) {
        String absent = kernel ? optionalNames.get(i + 1) : optionalNames.get(i);
        problems.add("missing tensor " + absent + " (expected shape " + Arrays.toString(optional.get(absent))
            + ", its pair is present)");
      }
    }
    shapes.forEach((name, shape) -> {
      if (!required.containsKey(name) && !optional.containsKey(name)) {
        problems.add("unexpected tensor " + name + " " + Arrays.toString(shape));
      }
    });
    if (!problems.isEmpty()) {
      java.util.Set<String> hints = new java.util.LinkedHashSet<>();
      shapes.keySet().stream().filter(n -> !required.containsKey(n) && !optional.containsKey(n))
          .map(layout::hint).filter(java.util.Objects::nonNull).forEach(hints::add);
      throw new ModelException(source + " is not a complete " + layout.describe() + " ViT of the inferred shape ("
          + describe(arch) + "):\n  " + String.join("\n  ", problems)
          + (hints.isEmpty() ? "" : "\n  (" + String.join("; ", hints) + ")"));
    }
  }

  public static String describe(CheckpointLayout.SourceArch a) {
    return String.format("%dx%d images, patch %d, %d channels, width %d, depth %d, heads %d, mlp %d%s",
        a.imageSize(), a.imageSize(), a.patchSize(), a.channels(), a.width(), a.depth(), a.heads(), a.mlpDim(),
        a.headClasses() > 0 ? ", " + a.headClasses() + "-class head" : "");
  }
}
