package dev.provpt.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Builds the forward pass of a (prompted) Vision Transformer into a TensorFlow graph, top to
 * bottom: patch embedding, [CLS], position embedding, pre-norm blocks, final norm.
 *
 * <p>Prompts come from one pool {@code [P, D]} and a block index per prompt {@code [P]}; block
 * {@code l} sees {@code [CLS, prompts_l, patches]} and its prompt outputs are dropped (VPT-Deep,
 * [PRO-VPT] Appendix A). Because the assignment is an input, prompts move between blocks without
 * rebuilding the graph, and a block may hold none.
 *
 * <p>With bf16 weights ({@link Precision#BF16}) the four MatMuls of every block (qkv, attention
 * projection, MLP fc1 and fc2) and the attention's two batched products (Einsums) run in bfloat16: activations
 * are cast to bf16 right before them and back to float32 right after (oneDNN accumulates in fp32
 * inside the kernel; its output is rounded to bf16). LayerNorm (statistics, the content gate),
 * softmax with the attention-gate bias, GELU, the residual stream, the patch embedding (a Conv2D of
 * 0.7% of ViT-B/16's multiply-adds) and the final norm stay float32. The gradient of Cast is a Cast,
 * so the backward pass of those MatMuls runs in bf16 too.
 */
public final class VisionTransformer {
  private final Ops tf;
  private final VitConfig config;
  private final Map<String, ? extends Operand<TFloat32>> weights;
  /** The weights held in bfloat16 ({@link #bf16Weight}); empty: an fp32 network. */
  private final Map<String, ? extends Operand<TBfloat16>> bf16Weights;

  /**
   * How prompts enter the network. {@code shallow}: all prompts enter block 0 and are carried.
   *
   * @param contentGate {@code [P]}, held at 1: scales each prompt's normalised token inside its
   *     block's first LayerNorm (before the affine part); null when not measured
   * @param keyLogGate {@code [P]}, held at 0: added to each prompt's attention logit in every head,
   *     i.e. log a_j for a multiplicative gate a_j on its key; -inf removes the prompt exactly; null
   *     when not measured
   */
  public record PromptInputs(
      Operand<TFloat32> pool,
      Operand<TInt32> blockOfPrompt,
      Operand<TFloat32> dropoutRate,
      Operand<TInt64> dropoutSeed,
      boolean shallow,
      Operand<TFloat32> contentGate,
      Operand<TFloat32> keyLogGate) {

    public PromptInputs(Operand<TFloat32> pool, Operand<TInt32> blockOfPrompt, Operand<TFloat32> dropoutRate,
        Operand<TInt64> dropoutSeed, boolean shallow) {
      this(pool, blockOfPrompt, dropoutRate, dropoutSeed, shallow, null, null);
    }
  }

  /**
   * Per-token factors of one block: on LayerNorm 1's normalised tokens {@code [1, T, 1]}, on attention keys
   * {@code [1, 1, 1, T]}; either null when not measured.
   */
  private record TokenGates(Operand<TFloat32> normScale, Operand<TFloat32> keyBias) {}

  public VisionTransformer(Ops tf, VitConfig config, Map<String, ? extends Operand<TFloat32>> weights) {
    this(tf, config, weights, Map.of());
  }

  /**
   * A network whose {@link #bf16Weight} weights come from {@code bf16Weights} and whose MatMuls
   * then run in bfloat16; with an empty map, exactly the fp32 network of the three-argument constructor.
   */
  public VisionTransformer(Ops tf, VitConfig config, Map<String, ? extends Operand<TFloat32>> weights,
      Map<String, ? extends Operand<TBfloat16>> bf16Weights) {
    this.tf = tf;
    this.config = config;
    this.weights = weights;
    this.bf16Weights = bf16Weights;
  }

  /** Whether a backbone weight feeds a MatMul that runs in bf16 under {@link Precision#BF16}: the blocks' dense layers. */
  public static boolean bf16Weight(String name) {
    return name.startsWith("blocks.") && (name.contains(".attn.qkv.") || name.contains(".attn.proj.")
        || name.contains(".mlp.fc1.") || name.contains(".mlp.fc2."));
  }

  private boolean bf16() {
    return !bf16Weights.isEmpty();
  }

  /** [CLS] features after the final LayerNorm, {@code [B, D]}. {@code prompts} may be null. */
  public Operand<TFloat32> features(Operand<TFloat32> images, PromptInputs prompts) {
    Operand<TInt32> batch = tf.slice(tf.shape(images), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    Operand<TFloat32> x = embed(images, batch);
    for (int l = 0; l < config.depth(); l++) {
      Operand<TInt32> promptCount = null;
      TokenGates gates = null;
      if (prompts != null && (!prompts.shallow() || l == 0)) {
        // Shallow: the whole pool enters block 0; deep: the rows assigned to this block.
        Operand<TInt64> rows = prompts.shallow() ? null
            : tf.reshape(tf.where(tf.math.equal(prompts.blockOfPrompt(), tf.constant(l))), tf.constant(new int[] {-1}));
        Operand<TFloat32> blockPrompts = prompts.shallow() ? prompts.pool() : tf.gather(prompts.pool(), rows, tf.constant(0));
        if (!prompts.shallow() && (prompts.contentGate() != null || prompts.keyLogGate() != null)) {
          gates = gates(prompts.contentGate() == null ? null : tf.gather(prompts.contentGate(), rows, tf.constant(0)),
              prompts.keyLogGate() == null ? null : tf.gather(prompts.keyLogGate(), rows, tf.constant(0)));
        }
        promptCount = tf.slice(tf.shape(blockPrompts), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
        Operand<TFloat32> tokens = tf.broadcastTo(tf.expandDims(blockPrompts, tf.constant(0)),
            tf.concat(List.of(batch, promptCount, tf.constant(new int[] {config.width()})), tf.constant(0)));
        tokens = dropout(tokens, prompts.dropoutRate(), prompts.dropoutSeed(), l);
        x = tf.concat(List.of(clsOf(x), tokens, afterCls(x, tf.constant(new int[] {1}))), tf.constant(1));
      }
      x = block(x, batch, l, gates);
      if (promptCount != null && !prompts.shallow()) {
        // VPT-Deep: the outputs at this block's prompt positions are not carried forward.
        x = tf.concat(List.of(clsOf(x), afterCls(x, tf.math.add(promptCount, tf.constant(new int[] {1})))),
            tf.constant(1));
      }
    }
    return cls(layerNorm(x, VitWeights.NORM_GAMMA, VitWeights.NORM_BETA, null));
  }

  /** The [CLS] token of tokens {@code [B, 1 + ..., D]} as {@code [B, D]}. */
  public Operand<TFloat32> cls(Operand<TFloat32> tokens) {
    return tf.reshape(clsOf(tokens), tf.constant(new int[] {-1, config.width()}));
  }

  /** The patch tokens of {@link #maskedTokens}' output, {@code [B, N, D]}: every token after [CLS]. */
  public Operand<TFloat32> patchTokens(Operand<TFloat32> tokens) {
    return afterCls(tokens, tf.constant(new int[] {1}));
  }

  /**
   * Every token after the final LayerNorm, {@code [B, 1 + N, D]}, where the patches that {@code patchMask}
   * ({@code [B, N]}, 1 = masked, 0 = seen) marks enter as {@code maskToken} ({@code [D]}) instead of their
   * embedding, before the position embedding is added: the encoder of masked-image pre-training (SimMIM). No
   * prompts; with an all-zero mask the [CLS] token is {@link #features}' exactly.
   */
  public Operand<TFloat32> maskedTokens(Operand<TFloat32> images, Operand<TFloat32> patchMask,
                                        Operand<TFloat32> maskToken) {
    Operand<TInt32> batch = tf.slice(tf.shape(images), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
    Operand<TFloat32> x = embed(images, batch, patchMask, maskToken);
    for (int l = 0; l < config.depth(); l++) {
      x = block(x, batch, l, null);
    }
    return layerNorm(x, VitWeights.NORM_GAMMA, VitWeights.NORM_BETA, null);
  }

  /** Logits of a linear head on the features. */
  public Operand<TFloat32> linear(Operand<TFloat32> features, Operand<TFloat32> kernel, Operand<TFloat32> bias) {
    return tf.nn.biasAdd(tf.linalg.matMul(features, kernel), bias);
  }

  private Operand<TFloat32> embed(Operand<TFloat32> images, Operand<TInt32> batch) {
    return embed(images, batch, null, null);
  }

  /** As above; where {@code patchMask} (may be null) is 1, the patch's embedding is {@code maskToken}. */
  private Operand<TFloat32> embed(Operand<TFloat32> images, Operand<TInt32> batch, Operand<TFloat32> patchMask,
                                 Operand<TFloat32> maskToken) {
    int p = config.patchSize();
    Operand<TFloat32> patches = tf.nn.conv2d(images, w(VitWeights.PATCH_KERNEL), List.of(1L, (long) p, (long) p, 1L), "VALID");
    patches = tf.nn.biasAdd(patches, w(VitWeights.PATCH_BIAS));
    patches = tf.reshape(patches, shape(batch, -1, config.width()));
    if (patchMask != null) {
      Operand<TFloat32> m = tf.expandDims(patchMask, tf.constant(2));
      patches = tf.math.add(tf.math.mul(patches, tf.math.sub(tf.constant(1f), m)),
          tf.math.mul(m, tf.reshape(maskToken, tf.constant(new int[] {1, 1, config.width()}))));
    }
    Operand<TFloat32> cls = tf.broadcastTo(tf.reshape(w(VitWeights.CLS_TOKEN), tf.constant(new int[] {1, 1, config.width()})),
        shape(batch, 1, config.width()));
    return tf.math.add(tf.concat(List.of(cls, patches), tf.constant(1)), w(VitWeights.POS_EMBED));
  }

  /**
   * The token order is [CLS, this block's prompts, patches]; only the prompts' factors differ from neutral. A gate
   * not given (null) is not built at all.
   */
  private TokenGates gates(Operand<TFloat32> contentGate, Operand<TFloat32> keyLogGate) {
    int patches = config.numPatches();
    Operand<TFloat32> normScale = contentGate == null ? null : tf.reshape(tf.concat(List.of(
        tf.constant(new float[] {1f}), contentGate, tf.fill(tf.constant(new int[] {patches}), tf.constant(1f))),
        tf.constant(0)), tf.constant(new int[] {1, -1, 1}));
    Operand<TFloat32> keyBias = keyLogGate == null ? null : tf.reshape(tf.concat(List.of(
        tf.constant(new float[] {0f}), keyLogGate, tf.fill(tf.constant(new int[] {patches}), tf.constant(0f))),
        tf.constant(0)), tf.constant(new int[] {1, 1, 1, -1}));
    return new TokenGates(normScale, keyBias);
  }

  private Operand<TFloat32> block(Operand<TFloat32> x, Operand<TInt32> batch, int l, TokenGates gates) {
    Operand<TFloat32> h = layerNorm(x, VitWeights.block(l, "norm1.gamma"), VitWeights.block(l, "norm1.beta"),
        gates == null ? null : gates.normScale());
    x = tf.math.add(x, attention(h, batch, l, gates == null ? null : gates.keyBias()));
    h = layerNorm(x, VitWeights.block(l, "norm2.gamma"), VitWeights.block(l, "norm2.beta"), null);
    if (bf16()) {
      Operand<TBfloat16> hidden = denseBf16(toBf16(tf.reshape(h, tf.constant(new int[] {-1, config.width()}))),
          VitWeights.block(l, "mlp.fc1"));
      Operand<TFloat32> activated = gelu(tf.dtypes.cast(hidden, TFloat32.class));
      Operand<TFloat32> out = tf.dtypes.cast(denseBf16(toBf16(activated), VitWeights.block(l, "mlp.fc2")),
          TFloat32.class);
      return tf.math.add(x, tf.reshape(out, shape(batch, -1, config.width())));
    }
    h = dense(h, batch, VitWeights.block(l, "mlp.fc1"), config.width(), config.mlpDim());
    h = gelu(h);
    h = dense(h, batch, VitWeights.block(l, "mlp.fc2"), config.mlpDim(), config.width());
    return tf.math.add(x, h);
  }

  private Operand<TFloat32> attention(Operand<TFloat32> x, Operand<TInt32> batch, int l, Operand<TFloat32> keyBias) {
    int d = config.width();
    int heads = config.heads();
    int headDim = config.headDim();
    if (bf16()) {
      return attentionBf16(x, batch, l, keyBias);
    }
    Operand<TFloat32> qkv = dense(x, batch, VitWeights.block(l, "attn.qkv"), d, 3 * d);
    qkv = tf.reshape(qkv, tf.concat(List.of(batch, tf.constant(new int[] {-1, 3, heads, headDim})), tf.constant(0)));
    qkv = tf.linalg.transpose(qkv, tf.constant(new int[] {2, 0, 3, 1, 4})); // [3, B, H, T, hd]
    List<Operand<TFloat32>> parts = new ArrayList<>();
    tf.unstack(qkv, 3L).forEach(parts::add);
    // The scale goes on the queries ([B, H, T, hd]) rather than on the scores ([B, H, T, T]): fewer elements both
    // ways. For a head width that is a power of 4 (16, 64) the scale is a power of 2 and both orders agree exactly.
    Operand<TFloat32> query = tf.math.mul(parts.get(0), tf.constant((float) (1.0 / Math.sqrt(headDim))));
    // Einsum, not BatchMatMul: TensorFlow's oneDNN build runs Einsum and its gradient (Einsums again) on oneDNN,
    // while tf.train.batchMatMul builds BatchMatMulV3, which it runs on Eigen, and whose gradient is BatchMatMulV3
    // whatever the forward op: several times slower on attention's small matrices.
    Operand<TFloat32> scores = tf.linalg.einsum(List.of(query, parts.get(1)), "bhqd,bhkd->bhqk");
    if (keyBias != null) {
      scores = tf.math.add(scores, keyBias); // log a_j on key j's logit: weights a_j e^s / sum_k a_k e^s
    }
    Operand<TFloat32> mixed = tf.linalg.einsum(List.of(tf.nn.softmax(scores), parts.get(2)), "bhqk,bhkd->bhqd");
    mixed = tf.linalg.transpose(mixed, tf.constant(new int[] {0, 2, 1, 3})); // [B, T, H, hd]
    mixed = tf.reshape(mixed, shape(batch, -1, d));
    return dense(mixed, batch, VitWeights.block(l, "attn.proj"), d, d);
  }

  /** {@link #attention} with its MatMuls in bf16; the scores' scale, the gate bias and softmax in fp32. */
  private Operand<TFloat32> attentionBf16(Operand<TFloat32> x, Operand<TInt32> batch, int l, Operand<TFloat32> keyBias) {
    int d = config.width();
    int heads = config.heads();
    int headDim = config.headDim();
    Operand<TBfloat16> qkv = denseBf16(toBf16(tf.reshape(x, tf.constant(new int[] {-1, d}))),
        VitWeights.block(l, "attn.qkv"));
    qkv = tf.reshape(qkv, tf.concat(List.of(batch, tf.constant(new int[] {-1, 3, heads, headDim})), tf.constant(0)));
    qkv = tf.linalg.transpose(qkv, tf.constant(new int[] {2, 0, 3, 1, 4})); // [3, B, H, T, hd]
    List<Operand<TBfloat16>> parts = new ArrayList<>();
    tf.unstack(qkv, 3L).forEach(parts::add);
    Operand<TBfloat16> query = tf.math.mul(parts.get(0), tf.dtypes.cast(tf.constant((float) (1.0 / Math.sqrt(headDim))),
        TBfloat16.class));
    Operand<TFloat32> scores = tf.dtypes.cast(tf.linalg.einsum(List.of(query, parts.get(1)), "bhqd,bhkd->bhqk"),
        TFloat32.class);
    if (keyBias != null) {
      scores = tf.math.add(scores, keyBias);
    }
    Operand<TBfloat16> mixed = tf.linalg.einsum(List.of(toBf16(tf.nn.softmax(scores)), parts.get(2)), "bhqk,bhkd->bhqd");
    mixed = tf.linalg.transpose(mixed, tf.constant(new int[] {0, 2, 1, 3})); // [B, T, H, hd]
    mixed = tf.reshape(mixed, tf.constant(new int[] {-1, d}));
    Operand<TFloat32> out = tf.dtypes.cast(denseBf16(mixed, VitWeights.block(l, "attn.proj")), TFloat32.class);
    return tf.reshape(out, shape(batch, -1, d));
  }

  /** {@code [N, in]} → {@code [N, out]} in bf16: MatMul and BiasAdd, which oneDNN fuses into one kernel. */
  private Operand<TBfloat16> denseBf16(Operand<TBfloat16> flat, String prefix) {
    return tf.nn.biasAdd(tf.linalg.matMul(flat, wb(prefix + ".kernel")), wb(prefix + ".bias"));
  }

  private Operand<TBfloat16> toBf16(Operand<TFloat32> x) {
    return tf.dtypes.cast(x, TBfloat16.class);
  }

  private Operand<TBfloat16> wb(String name) {
    Operand<TBfloat16> op = bf16Weights.get(name);
    if (op == null) {
      throw new ModelException("graph builder: no bf16 weight named " + name);
    }
    return op;
  }

  private Operand<TFloat32> dense(Operand<TFloat32> x, Operand<TInt32> batch, String prefix, int in, int out) {
    Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1, in}));
    // BiasAdd: the form TensorFlow's remapper fuses with the MatMul into one oneDNN kernel.
    Operand<TFloat32> y = tf.nn.biasAdd(tf.linalg.matMul(flat, w(prefix + ".kernel")), w(prefix + ".bias"));
    return tf.reshape(y, shape(batch, -1, out));
  }

  private Operand<TFloat32> gelu(Operand<TFloat32> x) {
    Operand<TFloat32> half = tf.constant(0.5f);
    if (config.gelu() == Gelu.TANH) {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as jax.nn.gelu(approximate=True)
      Operand<TFloat32> cube = tf.math.mul(tf.math.mul(x, x), x);
      Operand<TFloat32> inner = tf.math.mul(tf.constant((float) Math.sqrt(2 / Math.PI)),
          tf.math.add(x, tf.math.mul(tf.constant(0.044715f), cube)));
      return tf.math.mul(tf.math.mul(half, x), tf.math.add(tf.constant(1f), tf.math.tanh(inner)));
    }
    Operand<TFloat32> erf = tf.math.erf(tf.math.mul(x, tf.constant((float) (1 / Math.sqrt(2)))));
    return tf.math.mul(tf.math.mul(half, x), tf.math.add(tf.constant(1f), erf));
  }

  /** {@code tokenScale}, when not null, multiplies each normalised token before the affine part. */
  private Operand<TFloat32> layerNorm(Operand<TFloat32> x, String gamma, String beta, Operand<TFloat32> tokenScale) {
    Operand<TInt32> lastAxis = tf.constant(new int[] {-1});
    Operand<TFloat32> mean = tf.math.mean(x, lastAxis, Mean.keepDims(true));
    Operand<TFloat32> centred = tf.math.sub(x, mean);
    Operand<TFloat32> variance = tf.math.mean(tf.math.square(centred), lastAxis, Mean.keepDims(true));
    Operand<TFloat32> normed = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant((float) config.layerNormEps()))));
    if (tokenScale != null) {
      normed = tf.math.mul(normed, tokenScale);
    }
    return tf.nn.biasAdd(tf.math.mul(normed, w(gamma)), w(beta));
  }

  /** Inverted dropout with a stateless mask: the same (seed, block) gives the same mask. */
  private Operand<TFloat32> dropout(Operand<TFloat32> x, Operand<TFloat32> rate, Operand<TInt64> seed, int block) {
    if (rate == null) {
      return x;
    }
    Operand<TInt64> blockSeed = tf.math.add(seed, tf.constant(new long[] {0L, 7919L * (block + 1)}));
    Operand<TFloat32> uniform = tf.random.statelessRandomUniform(tf.shape(x), blockSeed, TFloat32.class);
    Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(uniform, rate), TFloat32.class);
    Operand<TFloat32> scale = tf.math.div(tf.constant(1f), tf.math.sub(tf.constant(1f), rate));
    return tf.math.mul(x, tf.math.mul(keep, scale));
  }

  private Operand<TFloat32> clsOf(Operand<TFloat32> x) {
    return tf.slice(x, tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {-1, 1, -1}));
  }

  private Operand<TFloat32> afterCls(Operand<TFloat32> x, Operand<TInt32> start) {
    Operand<TInt32> begin = tf.concat(List.of(tf.constant(new int[] {0}), start, tf.constant(new int[] {0})), tf.constant(0));
    return tf.slice(x, begin, tf.constant(new int[] {-1, -1, -1}));
  }

  private Operand<TInt32> shape(Operand<TInt32> batch, int tokens, int width) {
    return tf.concat(List.of(batch, tf.constant(new int[] {tokens, width})), tf.constant(0));
  }

  private Operand<TFloat32> w(String name) {
    Operand<TFloat32> op = weights.get(name);
    if (op == null) {
      throw new ModelException("graph builder: no weight named " + name);
    }
    return op;
  }
}
