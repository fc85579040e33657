package dev.provpt.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The frozen parameters of a backbone, by canonical name. Names follow [timm] / [ViT]
 * ({@code cls_token}, {@code pos_embed}, {@code blocks_3/attn/qkv/kernel}, ...); this class is
 * the single place that knows them and their shapes.
 */
public final class VitWeights {
  public static final String PATCH_KERNEL = "patch_embed.kernel";
  public static final String PATCH_BIAS = "patch_embed.bias";
  public static final String CLS_TOKEN = "cls_token";
  public static final String POS_EMBED = "pos_embed";
  public static final String NORM_GAMMA = "norm.gamma";
  public static final String NORM_BETA = "norm.beta";
  public static final String UPSTREAM_HEAD_KERNEL = "upstream_head.kernel";
  public static final String UPSTREAM_HEAD_BIAS = "upstream_head.bias";

  private final Map<String, WeightTensor> tensors;

  public VitWeights(Map<String, WeightTensor> tensors) {
    this.tensors = new LinkedHashMap<>(tensors);
  }

  public static String block(int index, String part) {
    return "blocks." + index + "." + part;
  }

  /** Every backbone tensor the architecture needs, with its shape, in graph-building order. */
  public static Map<String, long[]> expectedShapes(VitConfig c) {
    long d = c.width();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put(PATCH_KERNEL, new long[] {c.patchSize(), c.patchSize(), c.channels(), d});
    shapes.put(PATCH_BIAS, new long[] {d});
    shapes.put(CLS_TOKEN, new long[] {d});
    shapes.put(POS_EMBED, new long[] {c.baseTokens(), d});
    for (int i = 0; i < c.depth(); i++) {
      shapes.put(block(i, "norm1.gamma"), new long[] {d});
      shapes.put(block(i, "norm1.beta"), new long[] {d});
      shapes.put(block(i, "attn.qkv.kernel"), new long[] {d, 3 * d});
      shapes.put(block(i, "attn.qkv.bias"), new long[] {3 * d});
      shapes.put(block(i, "attn.proj.kernel"), new long[] {d, d});
      shapes.put(block(i, "attn.proj.bias"), new long[] {d});
      shapes.put(block(i, "norm2.gamma"), new long[] {d});
      shapes.put(block(i, "norm2.beta"), new long[] {d});
      shapes.put(block(i, "mlp.fc1.kernel"), new long[] {d, c.mlpDim()});
      shapes.put(block(i, "mlp.fc1.bias"), new long[] {c.mlpDim()});
      shapes.put(block(i, "mlp.fc2.kernel"), new long[] {c.mlpDim(), d});
      shapes.put(block(i, "mlp.fc2.bias"), new long[] {d});
    }
    shapes.put(NORM_GAMMA, new long[] {d});
    shapes.put(NORM_BETA, new long[] {d});
    if (c.upstreamClasses() > 0) {
      shapes.put(UPSTREAM_HEAD_KERNEL, new long[] {d, c.upstreamClasses()});
      shapes.put(UPSTREAM_HEAD_BIAS, new long[] {c.upstreamClasses()});
    }
    return shapes;
  }

  /**
   * Random initial weights as timm initialises a ViT: truncated-normal(0.02) for matrices and
   * embeddings, ones/zeros for LayerNorm, zero biases, a zero upstream head.
   */
  public static VitWeights random(VitConfig c, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, WeightTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : expectedShapes(c).entrySet()) {
      String name = e.getKey();
      long[] shape = e.getValue();
      float[] values = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, (a, b) -> a * b))];
      if (name.endsWith("gamma")) {
        Arrays.fill(values, 1f);
      } else if (name.endsWith("kernel") && !name.startsWith("upstream_head")
          || name.equals(CLS_TOKEN) || name.equals(POS_EMBED)) {
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (0.02 * truncatedGaussian(random));
        }
      }
      tensors.put(name, new WeightTensor(name, shape, values));
    }
    return new VitWeights(tensors);
  }

  /** A standard Gaussian truncated to [-2, 2] (as timm's trunc_normal_), by rejection. */
  static double truncatedGaussian(SplittableRandom random) {
    while (true) {
      double u1 = random.nextDouble();
      double u2 = random.nextDouble();
      double g = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      if (Math.abs(g) <= 2) {
        return g;
      }
    }
  }

  public WeightTensor get(String name) {
    WeightTensor t = tensors.get(name);
    if (t == null) {
      throw new ModelException("backbone weight '" + name + "' is missing");
    }
    return t;
  }

  public boolean has(String name) {
    return tensors.containsKey(name);
  }

  public Map<String, WeightTensor> all() {
    return Map.copyOf(tensors);
  }

  public List<String> names() {
    return List.copyOf(tensors.keySet());
  }

  /**
   * Checks that the tensors are exactly those the architecture needs; the message names every
   * missing, unexpected and mis-shaped tensor and where the weights came from.
   */
  public void checkAgainst(VitConfig c, String source) {
    Map<String, long[]> expected = expectedShapes(c);
    StringBuilder problems = new StringBuilder();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      WeightTensor t = tensors.get(e.getKey());
      if (t == null) {
        problems.append("\n  missing tensor ").append(e.getKey())
            .append(" (expected shape ").append(Arrays.toString(e.getValue())).append(')');
      } else if (!t.hasShape(e.getValue())) {
        problems.append("\n  tensor ").append(e.getKey()).append(" has shape ")
            .append(t.shapeString()).append(", model.conf implies ")
            .append(Arrays.toString(e.getValue()));
      }
    }
    for (String name : tensors.keySet()) {
      if (!expected.containsKey(name)) {
        problems.append("\n  unexpected tensor ").append(name)
            .append(" ").append(tensors.get(name).shapeString());
      }
    }
    if (problems.length() > 0) {
      throw new ModelException(source + " does not match its model.conf (" + c.describe() + "):"
          + problems);
    }
  }

  public long parameterCount() {
    return tensors.values().stream().mapToLong(t -> t.values().length).sum();
  }
}
