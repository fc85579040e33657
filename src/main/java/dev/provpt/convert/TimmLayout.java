package dev.provpt.convert;

import dev.provpt.model.Gelu;
import dev.provpt.model.ModelException;
import dev.provpt.model.VitWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * timm's VisionTransformer ({@code model.safetensors}): PyTorch names, Linear weights as
 * {@code [out, in]}, a fused qkv projection, a conv kernel as {@code [D, C, p, p]}, exact GELU.
 * The number of heads is not recorded; it defaults to that of the standard ViT of the same width.
 */
public final class TimmLayout extends CheckpointLayout {
  private static final String PATCH = "patch_embed.proj.weight";
  private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\.");
  private static final Pattern FC1 = Pattern.compile("blocks\\.\\d+\\.mlp\\.fc1\\.weight");

  @Override
  public CheckpointReader open(java.nio.file.Path file) {
    return new SafetensorsCheckpoint(file);
  }

  @Override
  public String describe() {
    return "timm layout (.safetensors)";
  }

  /** timm models differ (ImageNet or Inception statistics) and the file does not say. */
  @Override
  public String defaultNormalization() {
    return null;
  }

  @Override
  public Gelu gelu() {
    return Gelu.EXACT;
  }

  @Override
  public String headKernelName() {
    return "head.weight";
  }

  @Override
  public String hint(String unexpected) {
    if (unexpected.startsWith("fc_norm")) {
      return "fc_norm: the model pools all tokens (global_pool='avg'); provpt tunes on the [CLS] token";
    }
    if (unexpected.startsWith("dist_token") || unexpected.startsWith("head_dist")) {
      return unexpected.split("\\.")[0] + ": a distilled DeiT with a second token; import a non-distilled model";
    }
    if (unexpected.startsWith("reg_token")) {
      return "reg_token: a ViT with register tokens, which provpt's graph does not have";
    }
    if (unexpected.matches("blocks\\.\\d+\\.ls[12]\\..*")) {
      return "ls1/ls2: LayerScale (DeiT III, EVA), which provpt's blocks do not have";
    }
    if (unexpected.matches("blocks\\.\\d+\\.attn\\.[qk]_norm\\..*")) {
      return "q_norm/k_norm: attention with query-key normalisation, which provpt's blocks do not have";
    }
    if (unexpected.startsWith("norm_pre")) {
      return "norm_pre: a CLIP-style ViT with a LayerNorm before the blocks, which provpt's graph does not have";
    }
    return null;
  }

  private static String block(int i, String part) {
    return "blocks." + i + "." + part;
  }

  @Override
  public SourceArch infer(Map<String, long[]> shapes, int heads) {
    long[] patch = shapes.get(PATCH);
    if (patch == null || patch.length != 4) {
      throw cannotInfer("patch size, channels and width", PATCH, "[D, C, p, p]", shapes);
    }
    long[] pos = shapes.get("pos_embed");
    if (pos == null || pos.length != 3) {
      throw cannotInfer("resolution", "pos_embed", "[1, 1 + n^2, D]", shapes);
    }
    long[] fc1 = firstShape(shapes, FC1, 2);
    if (fc1 == null) {
      throw cannotInfer("MLP width", "blocks.N.mlp.fc1.weight", "[mlp, D]", shapes);
    }
    int width = (int) patch[0];
    if (heads <= 0) {
      heads = standardHeads(width);
    }
    long[] head = shapes.get("head.weight");
    int p = (int) patch[2];
    return new SourceArch(gridOf(pos[1], "pos_embed") * p, (int) patch[1], p, width, countBlocks(shapes, BLOCK),
        heads, (int) fc1[0], head != null && head.length == 2 ? (int) head[0] : 0, false);
  }

  /** Heads of the standard ViTs by width (Ti, S, M, B, L, H, g, G); others must be told. */
  private static final Map<Integer, Integer> STANDARD_HEADS = Map.of(
      192, 3, 384, 6, 512, 8, 768, 12, 1024, 16, 1280, 16, 1408, 16, 1664, 16);

  static int standardHeads(int width) {
    Integer heads = STANDARD_HEADS.get(width);
    if (heads == null) {
      throw new ModelException("timm checkpoints do not record the number of heads, and width " + width
          + " is not that of a standard ViT (" + new java.util.TreeMap<>(STANDARD_HEADS) + "): pass --heads");
    }
    return heads;
  }

  @Override
  public Map<String, long[]> required(SourceArch a) {
    long d = a.width();
    long p = a.patchSize();
    long m = a.mlpDim();
    Map<String, long[]> r = ordered();
    r.put(PATCH, shape(d, a.channels(), p, p));
    r.put("patch_embed.proj.bias", shape(d));
    r.put("cls_token", shape(1, 1, d));
    r.put("pos_embed", shape(1, 1 + (long) a.grid() * a.grid(), d));
    for (int i = 0; i < a.depth(); i++) {
      r.put(block(i, "norm1.weight"), shape(d));
      r.put(block(i, "norm1.bias"), shape(d));
      r.put(block(i, "attn.qkv.weight"), shape(3 * d, d));
      r.put(block(i, "attn.qkv.bias"), shape(3 * d));
      r.put(block(i, "attn.proj.weight"), shape(d, d));
      r.put(block(i, "attn.proj.bias"), shape(d));
      r.put(block(i, "norm2.weight"), shape(d));
      r.put(block(i, "norm2.bias"), shape(d));
      r.put(block(i, "mlp.fc1.weight"), shape(m, d));
      r.put(block(i, "mlp.fc1.bias"), shape(m));
      r.put(block(i, "mlp.fc2.weight"), shape(d, m));
      r.put(block(i, "mlp.fc2.bias"), shape(d));
    }
    r.put("norm.weight", shape(d));
    r.put("norm.bias", shape(d));
    return r;
  }

  @Override
  public Map<String, long[]> optional(SourceArch a) {
    Map<String, long[]> m = ordered();
    if (a.headClasses() > 0) {
      m.put("head.weight", shape(a.headClasses(), a.width()));
      m.put("head.bias", shape(a.headClasses()));
    }
    return m;
  }

  @Override
  public Map<String, float[]> convert(CheckpointReader r, SourceArch a, boolean keepHead) {
    int d = a.width();
    int m = a.mlpDim();
    Map<String, float[]> w = new LinkedHashMap<>();
    w.put(VitWeights.PATCH_KERNEL, convKernel(r.read(PATCH), d, a.channels(), a.patchSize()));
    w.put(VitWeights.PATCH_BIAS, r.read("patch_embed.proj.bias"));
    w.put(VitWeights.CLS_TOKEN, r.read("cls_token"));
    w.put(VitWeights.POS_EMBED, r.read("pos_embed"));
    for (int i = 0; i < a.depth(); i++) {
      w.put(VitWeights.block(i, "norm1.gamma"), r.read(block(i, "norm1.weight")));
      w.put(VitWeights.block(i, "norm1.beta"), r.read(block(i, "norm1.bias")));
      // Output rows are ordered (q|k|v, head, head_dim), as our qkv kernel's columns.
      w.put(VitWeights.block(i, "attn.qkv.kernel"), transpose(r.read(block(i, "attn.qkv.weight")), 3 * d, d));
      w.put(VitWeights.block(i, "attn.qkv.bias"), r.read(block(i, "attn.qkv.bias")));
      w.put(VitWeights.block(i, "attn.proj.kernel"), transpose(r.read(block(i, "attn.proj.weight")), d, d));
      w.put(VitWeights.block(i, "attn.proj.bias"), r.read(block(i, "attn.proj.bias")));
      w.put(VitWeights.block(i, "norm2.gamma"), r.read(block(i, "norm2.weight")));
      w.put(VitWeights.block(i, "norm2.beta"), r.read(block(i, "norm2.bias")));
      w.put(VitWeights.block(i, "mlp.fc1.kernel"), transpose(r.read(block(i, "mlp.fc1.weight")), m, d));
      w.put(VitWeights.block(i, "mlp.fc1.bias"), r.read(block(i, "mlp.fc1.bias")));
      w.put(VitWeights.block(i, "mlp.fc2.kernel"), transpose(r.read(block(i, "mlp.fc2.weight")), d, m));
      w.put(VitWeights.block(i, "mlp.fc2.bias"), r.read(block(i, "mlp.fc2.bias")));
    }
    w.put(VitWeights.NORM_GAMMA, r.read("norm.weight"));
    w.put(VitWeights.NORM_BETA, r.read("norm.bias"));
    if (keepHead) {
      w.put(VitWeights.UPSTREAM_HEAD_KERNEL, transpose(r.read("head.weight"), a.headClasses(), d));
      w.put(VitWeights.UPSTREAM_HEAD_BIAS, r.read("head.bias"));
    }
    return w;
  }

  /** PyTorch's conv weight [D, C, p, p] (OIHW) as TensorFlow's [p, p, C, D] (HWIO). */
  static float[] convKernel(float[] oihw, int out, int in, int p) {
    float[] hwio = new float[oihw.length];
    for (int o = 0; o < out; o++) {
      for (int c = 0; c < in; c++) {
        for (int y = 0; y < p; y++) {
          for (int x = 0; x < p; x++) {
            hwio[((y * p + x) * in + c) * out + o] = oihw[((o * in + c) * p + y) * p + x];
          }
        }
      }
    }
    return hwio;
  }
}
