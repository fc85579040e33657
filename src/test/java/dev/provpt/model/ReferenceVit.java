package dev.provpt.model;

/**
 * An independent, plain-Java (double precision) forward pass of the prompted ViT, written
 * straight from the equations of [ViT] and [PRO-VPT] Appendix A, used to check the TensorFlow graph.
 */
final class ReferenceVit {
  private final VitConfig c;
  private final VitWeights w;

  ReferenceVit(VitConfig c, VitWeights w) {
    this.c = c;
    this.w = w;
  }

  /** [CLS] features of one image (HWC) with prompts {@code pool[P][D]} assigned to blocks. */
  double[] features(float[] image, float[][] pool, int[] blockOfPrompt, boolean shallow) {
    int d = c.width();
    int n = c.numPatches();
    double[][] x = new double[n + 1][d];
    float[] kernel = w.get(VitWeights.PATCH_KERNEL).values();
    int p = c.patchSize();
    int g = c.gridSize();
    for (int pr = 0; pr < g; pr++) {
      for (int pc = 0; pc < g; pc++) {
        double[] t = x[1 + pr * g + pc];
        for (int o = 0; o < d; o++) {
          double s = w.get(VitWeights.PATCH_BIAS).values()[o];
          for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
              for (int ch = 0; ch < c.channels(); ch++) {
                float pixel = image[((pr * p + i) * c.imageSize() + pc * p + j) * c.channels() + ch];
                s += pixel * kernel[((i * p + j) * c.channels() + ch) * d + o];
              }
            }
          }
          t[o] = s;
        }
      }
    }
    for (int o = 0; o < d; o++) {
      x[0][o] = w.get(VitWeights.CLS_TOKEN).values()[o];
    }
    float[] pos = w.get(VitWeights.POS_EMBED).values();
    for (int t = 0; t <= n; t++) {
      for (int o = 0; o < d; o++) {
        x[t][o] += pos[t * d + o];
      }
    }
    for (int l = 0; l < c.depth(); l++) {
      int count = 0;
      if (!shallow || l == 0) {
        for (int b : blockOfPrompt) {
          if (shallow || b == l) {
            count++;
          }
        }
        double[][] with = new double[x.length + count][];
        with[0] = x[0];
        int k = 1;
        for (int i = 0; i < pool.length; i++) {
          if (shallow || blockOfPrompt[i] == l) {
            with[k++] = toDouble(pool[i]);
          }
        }
        System.arraycopy(x, 1, with, 1 + count, x.length - 1);
        x = with;
      }
      x = block(x, l);
      if (!shallow && count > 0) {
        double[][] without = new double[x.length - count][];
        without[0] = x[0];
        System.arraycopy(x, 1 + count, without, 1, without.length - 1);
        x = without;
      }
    }
    return layerNorm(x[0], VitWeights.NORM_GAMMA, VitWeights.NORM_BETA);
  }

  private double[][] block(double[][] x, int l) {
    int tokens = x.length;
    int d = c.width();
    double[][] h = new double[tokens][];
    for (int t = 0; t < tokens; t++) {
      h[t] = dense(layerNorm(x[t], VitWeights.block(l, "norm1.gamma"), VitWeights.block(l, "norm1.beta")),
          VitWeights.block(l, "attn.qkv"), d, 3 * d);
    }
    int heads = c.heads();
    int hd = c.headDim();
    double[][] mixed = new double[tokens][d];
    for (int head = 0; head < heads; head++) {
      for (int q = 0; q < tokens; q++) {
        double[] scores = new double[tokens];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < tokens; k++) {
          double s = 0;
          for (int e = 0; e < hd; e++) {
            s += h[q][head * hd + e] * h[k][d + head * hd + e];
          }
          scores[k] = s / Math.sqrt(hd);
          max = Math.max(max, scores[k]);
        }
        double sum = 0;
        for (int k = 0; k < tokens; k++) {
          scores[k] = Math.exp(scores[k] - max);
          sum += scores[k];
        }
        for (int k = 0; k < tokens; k++) {
          for (int e = 0; e < hd; e++) {
            mixed[q][head * hd + e] += scores[k] / sum * h[k][2 * d + head * hd + e];
          }
        }
      }
    }
    double[][] out = new double[tokens][];
    for (int t = 0; t < tokens; t++) {
      double[] attn = dense(mixed[t], VitWeights.block(l, "attn.proj"), d, d);
      double[] y = new double[d];
      for (int o = 0; o < d; o++) {
        y[o] = x[t][o] + attn[o];
      }
      double[] m = dense(layerNorm(y, VitWeights.block(l, "norm2.gamma"), VitWeights.block(l, "norm2.beta")),
          VitWeights.block(l, "mlp.fc1"), d, c.mlpDim());
      for (int i = 0; i < m.length; i++) {
        m[i] = gelu(m[i]);
      }
      double[] m2 = dense(m, VitWeights.block(l, "mlp.fc2"), c.mlpDim(), d);
      for (int o = 0; o < d; o++) {
        y[o] += m2[o];
      }
      out[t] = y;
    }
    return out;
  }

  private double gelu(double v) {
    if (c.gelu() == Gelu.TANH) {
      return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
    }
    return 0.5 * v * (1 + erf(v / Math.sqrt(2)));
  }

  /** erf by its Maclaurin series / continued fraction, accurate to ~1e-12 on the range used. */
  static double erf(double z) {
    double a = Math.abs(z);
    double result;
    if (a < 3) {
      double term = a;
      double sum = a;
      for (int n = 1; n < 100; n++) {
        term *= -a * a / n;
        sum += term / (2 * n + 1);
      }
      result = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      double f = 0;
      for (int n = 60; n >= 1; n--) {
        f = n / 2.0 / (a + f);
      }
      result = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
    }
    return Math.signum(z) * result;
  }

  private double[] dense(double[] x, String prefix, int in, int out) {
    float[] kernel = w.get(prefix + ".kernel").values();
    float[] bias = w.get(prefix + ".bias").values();
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = bias[o];
      for (int i = 0; i < in; i++) {
        s += x[i] * kernel[i * out + o];
      }
      y[o] = s;
    }
    return y;
  }

  private double[] layerNorm(double[] x, String gamma, String beta) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean);
    }
    var /= x.length;
    double inv = 1 / Math.sqrt(var + c.layerNormEps());
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (x[i] - mean) * inv * w.get(gamma).values()[i] + w.get(beta).values()[i];
    }
    return y;
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
