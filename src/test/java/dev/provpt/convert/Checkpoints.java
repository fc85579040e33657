package dev.provpt.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jetbrains.bio.npy.NpyFile;
import org.jetbrains.bio.npy.NpzFile;

/** Test helpers: the committed fixtures, and writers for edited copies of them. */
final class Checkpoints {
  static final Path FIXTURES = Path.of("src/test/resources/vit-import");
  static final Path JAX = FIXTURES.resolve("jax-tiny.npz");
  static final Path TIMM = FIXTURES.resolve("timm-tiny.safetensors");

  /** One tensor of a checkpoint, held in memory. */
  record Tensor(long[] shape, float[] values) {}

  private Checkpoints() {}

  static Map<String, Tensor> readAll(Path file) {
    Map<String, Tensor> all = new LinkedHashMap<>();
    try (CheckpointReader r = VitImporter.open(file)) {
      r.shapes().forEach((name, shape) -> all.put(name, new Tensor(shape, r.read(name))));
    }
    return all;
  }

  static float[] npy(String name) {
    return NpyFile.read(FIXTURES.resolve(name), 1 << 20).asFloatArray();
  }

  static int[] npyShape(String name) {
    return NpyFile.read(FIXTURES.resolve(name), 1 << 20).getShape();
  }

  static void writeNpz(Path file, Map<String, Tensor> tensors) {
    try (NpzFile.Writer w = NpzFile.write(file, false)) {
      tensors.forEach((name, t) -> w.write(name, t.values(), toInt(t.shape())));
    }
  }

  /** A safetensors file per the format's spec, written independently of the reader under test. */
  static void writeSafetensors(Path file, Map<String, Tensor> tensors) throws IOException {
    writeSafetensors(file, tensors, false);
  }

  /** As above; {@code bfloat16}: each value stored as the top 16 bits of its float32 (truncated). */
  static void writeSafetensors(Path file, Map<String, Tensor> tensors, boolean bfloat16) throws IOException {
    int width = bfloat16 ? 2 : 4;
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("__metadata__", Map.of("format", "pt"));
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      long bytes = (long) width * e.getValue().values().length;
      header.put(e.getKey(), Map.of("dtype", bfloat16 ? "BF16" : "F32", "shape", e.getValue().shape(), "data_offsets",
          List.of(offset, offset + bytes)));
      offset += bytes;
    }
    byte[] json = new ObjectMapper().writeValueAsBytes(header);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
      out.write(json);
      for (Tensor t : tensors.values()) {
        ByteBuffer b = ByteBuffer.allocate(width * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.values()) {
          if (bfloat16) {
            b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
          } else {
            b.putFloat(v);
          }
        }
        out.write(b.array());
      }
    }
  }

  private static int[] toInt(long[] shape) {
    int[] s = new int[shape.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = (int) shape[i];
    }
    return s;
  }
}
