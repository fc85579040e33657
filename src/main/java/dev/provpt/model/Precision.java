package dev.provpt.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The arithmetic of the frozen backbone in the tuning graph ({@code provpt.precision}).
 *
 * <p>{@code fp32}: everything in float32 (the reference; the same graph as before bf16
 * existed). {@code bf16}: the backbone's MatMul kernels and biases are held once in bfloat16, and
 * every MatMul and attention Einsum runs in bfloat16 on oneDNN (fp32 accumulation inside the
 * kernel); LayerNorm, softmax, GELU, the residual stream, the loss, the idleness gates and all
 * trained parameters stay float32. See {@link VisionTransformer}.
 */
public enum Precision {
  FP32("fp32"), BF16("bf16");

  private static final Logger LOG = LoggerFactory.getLogger(Precision.class);
  /** CPU flags under which TensorFlow's oneDNN build runs bf16 MatMuls natively. */
  private static final Set<String> BF16_FLAGS = Set.of("avx512_bf16", "amx_bf16");
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static volatile Boolean supported;

  public final String key;

  Precision(String key) {
    this.key = key;
  }

  /**
   * The precision a model is built with: this one, except bf16 on a CPU without AVX512-BF16 or
   * AMX-BF16, which runs fp32 (said once per process, as a warning).
   */
  public Precision effective() {
    if (this == BF16 && !bf16Supported()) {
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn("provpt.precision = bf16 needs a CPU with AVX512-BF16 or AMX-BF16 (oneDNN's bf16 kernels); "
            + "this one has neither, so the tuning graph runs in fp32");
      }
      return FP32;
    }
    return this;
  }

  /** Whether this CPU has AVX512-BF16 or AMX-BF16 (from /proc/cpuinfo; false where it cannot be read). */
  public static boolean bf16Supported() {
    Boolean s = supported;
    if (s == null) {
      s = cpuFlags(Path.of("/proc/cpuinfo"));
      supported = s;
    }
    return s;
  }

  static boolean cpuFlags(Path cpuinfo) {
    try {
      for (String line : Files.readAllLines(cpuinfo)) {
        if (line.startsWith("flags")) {
          for (String flag : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
            if (BF16_FLAGS.contains(flag)) {
              return true;
            }
          }
          return false;
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return false;
  }
}
