package dev.provpt.convert;

import dev.provpt.model.Gelu;
import dev.provpt.model.VitWeights;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The original Vision Transformer release (google-research/vision_transformer, {@code ViT-B_16.npz}):
 * Flax names, Dense kernels as {@code [in, out]}, attention kernels split per head
 * ({@code [D, heads, head_dim]}), and {@code nn.gelu}, which is the tanh approximation.
 */
public final class JaxLayout extends CheckpointLayout {
  private static final String EMBED = "embedding/kernel";
  private static final String POS = "Transformer/posembed_input/pos_embedding";
  private static final Pattern BLOCK = Pattern.compile("Transformer/encoderblock_(\\d+)/");
  private static final Pattern QUERY = Pattern.compile("Transformer/encoderblock_\\d+/MultiHeadDotProductAttention_1/query/kernel");
  private static final Pattern FC1 = Pattern.compile("Transformer/encoderblock_\\d+/MlpBlock_3/Dense_0/kernel");

  @Override
  public CheckpointReader open(java.nio.file.Path file) {
    return new NpzCheckpoint(file);
  }

  @Override
  public String describe() {
    return "original ViT release layout (.npz)";
  }

  /** The release maps pixels to [-1, 1]: Inception normalisation. */
  @Override
  public String defaultNormalization() {
    return "inception";
  }

  @Override
  public Gelu gelu() {
    return Gelu.TANH;
  }

  @Override
  public String headKernelName() {
    return "head/kernel";
  }

  private static String block(int i, String part) {
    return "Transformer/encoderblock_" + i + "/" + part;
  }

  @Override
  public SourceArch infer(Map<String, long[]> shapes, int heads) {
    long[] embed = shapes.get(EMBED);
    if (embed == null || embed.length != 4) {
      throw cannotInfer("patch size, channels and width", EMBED, "[p, p, C, D]", shapes);
    }
    long[] pos = shapes.get(POS);
    if (pos == null || pos.length != 3) {
      throw cannotInfer("resolution", POS, "[1, 1 + n^2, D]", shapes);
    }
    long[] query = firstShape(shapes, QUERY, 3);
    if (query == null) {
      throw cannotInfer("number of heads", "Transformer/encoderblock_N/MultiHeadDotProductAttention_1/query/kernel",
          "[D, heads, head_dim]", shapes);
    }
    long[] fc1 = firstShape(shapes, FC1, 2);
    if (fc1 == null) {
      throw cannotInfer("MLP width", "Transformer/encoderblock_N/MlpBlock_3/Dense_0/kernel", "[D, mlp]", shapes);
    }
    long[] head = shapes.get("head/kernel");
    int patch = (int) embed[0];
    int grid = gridOf(pos[1], POS);
    return new SourceArch(grid * patch, (int) embed[2], patch, (int) embed[3], countBlocks(shapes, BLOCK),
        heads > 0 ? heads : (int) query[1], (int) fc1[1], head != null && head.length == 2 ? (int) head[1] : 0,
        shapes.containsKey("pre_logits/kernel"));
  }

  @Override
  public Map<String, long[]> required(SourceArch a) {
    long d = a.width();
    long h = a.heads();
    long hd = d / h;
    long p = a.patchSize();
    Map<String, long[]> m = ordered();
    m.put(EMBED, shape(p, p, a.channels(), d));
    m.put("embedding/bias", shape(d));
    m.put("cls", shape(1, 1, d));
    m.put(POS, shape(1, 1 + (long) a.grid() * a.grid(), d));
    for (int i = 0; i < a.depth(); i++) {
      for (String ln : new String[] {"LayerNorm_0", "LayerNorm_2"}) {
        m.put(block(i, ln + "/scale"), shape(d));
        m.put(block(i, ln + "/bias"), shape(d));
      }
      for (String qkv : new String[] {"query", "key", "value"}) {
        m.put(block(i, "MultiHeadDotProductAttention_1/" + qkv + "/kernel"), shape(d, h, hd));
        m.put(block(i, "MultiHeadDotProductAttention_1/" + qkv + "/bias"), shape(h, hd));
      }
      m.put(block(i, "MultiHeadDotProductAttention_1/out/kernel"), shape(h, hd, d));
      m.put(block(i, "MultiHeadDotProductAttention_1/out/bias"), shape(d));
      m.put(block(i, "MlpBlock_3/Dense_0/kernel"), shape(d, a.mlpDim()));
      m.put(block(i, "MlpBlock_3/Dense_0/bias"), shape(a.mlpDim()));
      m.put(block(i, "MlpBlock_3/Dense_1/kernel"), shape(a.mlpDim(), d));
      m.put(block(i, "MlpBlock_3/Dense_1/bias"), shape(d));
    }
    m.put("Transformer/encoder_norm/scale", shape(d));
    m.put("Transformer/encoder_norm/bias", shape(d));
    return m;
  }

  @Override
  public Map<String, long[]> optional(SourceArch a) {
    Map<String, long[]> m = ordered();
    long d = a.width();
    m.put("pre_logits/kernel", shape(d, d));
    m.put("pre_logits/bias", shape(d));
    if (a.headClasses() > 0) {
      m.put("head/kernel", shape(d, a.headClasses()));
      m.put("head/bias", shape(a.headClasses()));
    }
    return m;
  }

  @Override
  public Map<String, float[]> convert(CheckpointReader r, SourceArch a, boolean keepHead) {
    int d = a.width();
    Map<String, float[]> w = new java.util.LinkedHashMap<>();
    w.put(VitWeights.PATCH_KERNEL, r.read(EMBED)); // already HWIO
    w.put(VitWeights.PATCH_BIAS, r.read("embedding/bias"));
    w.put(VitWeights.CLS_TOKEN, r.read("cls"));
    w.put(VitWeights.POS_EMBED, r.read(POS));
    for (int i = 0; i < a.depth(); i++) {
      w.put(VitWeights.block(i, "norm1.gamma"), r.read(block(i, "LayerNorm_0/scale")));
      w.put(VitWeights.block(i, "norm1.beta"), r.read(block(i, "LayerNorm_0/bias")));
      // Our qkv kernel is [D, 3D] with columns (q|k|v, head, head_dim): each [D, H, hd] kernel
      // flattens to [D, D] rows in exactly that order, so rows are concatenated.
      float[] q = r.read(block(i, "MultiHeadDotProductAttention_1/query/kernel"));
      float[] k = r.read(block(i, "MultiHeadDotProductAttention_1/key/kernel"));
      float[] v = r.read(block(i, "MultiHeadDotProductAttention_1/value/kernel"));
      float[] qkv = new float[d * 3 * d];
      for (int row = 0; row < d; row++) {
        System.arraycopy(q, row * d, qkv, row * 3 * d, d);
        System.arraycopy(k, row * d, qkv, row * 3 * d + d, d);
        System.arraycopy(v, row * d, qkv, row * 3 * d + 2 * d, d);
      }
      w.put(VitWeights.block(i, "attn.qkv.kernel"), qkv);
      float[] qkvBias = new float[3 * d];
      System.arraycopy(r.read(block(i, "MultiHeadDotProductAttention_1/query/bias")), 0, qkvBias, 0, d);
      System.arraycopy(r.read(block(i, "MultiHeadDotProductAttention_1/key/bias")), 0, qkvBias, d, d);
      System.arraycopy(r.read(block(i, "MultiHeadDotProductAttention_1/value/bias")), 0, qkvBias, 2 * d, d);
      w.put(VitWeights.block(i, "attn.qkv.bias"), qkvBias);
      // [H, hd, D] is already [D_in, D] with inputs in (head, head_dim) order.
      w.put(VitWeights.block(i, "attn.proj.kernel"), r.read(block(i, "MultiHeadDotProductAttention_1/out/kernel")));
      w.put(VitWeights.block(i, "attn.proj.bias"), r.read(block(i, "MultiHeadDotProductAttention_1/out/bias")));
      w.put(VitWeights.block(i, "norm2.gamma"), r.read(block(i, "LayerNorm_2/scale")));
      w.put(VitWeights.block(i, "norm2.beta"), r.read(block(i, "LayerNorm_2/bias")));
      w.put(VitWeights.block(i, "mlp.fc1.kernel"), r.read(block(i, "MlpBlock_3/Dense_0/kernel")));
      w.put(VitWeights.block(i, "mlp.fc1.bias"), r.read(block(i, "MlpBlock_3/Dense_0/bias")));
      w.put(VitWeights.block(i, "mlp.fc2.kernel"), r.read(block(i, "MlpBlock_3/Dense_1/kernel")));
      w.put(VitWeights.block(i, "mlp.fc2.bias"), r.read(block(i, "MlpBlock_3/Dense_1/bias")));
    }
    w.put(VitWeights.NORM_GAMMA, r.read("Transformer/encoder_norm/scale"));
    w.put(VitWeights.NORM_BETA, r.read("Transformer/encoder_norm/bias"));
    if (keepHead) {
      w.put(VitWeights.UPSTREAM_HEAD_KERNEL, r.read("head/kernel"));
      w.put(VitWeights.UPSTREAM_HEAD_BIAS, r.read("head/bias"));
    }
    return w;
  }
}
