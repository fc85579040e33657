package dev.provpt.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provpt.model.ModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Hugging Face {@code .safetensors} file (timm's format): an 8-byte little-endian header
 * length, a JSON header giving every tensor's dtype, shape and byte range, then the raw data.
 * There is no maintained Java reader, and the format is a JSON header over raw bytes, so this
 * class parses the header with Jackson and maps each tensor's range from the file.
 */
public final class SafetensorsCheckpoint implements CheckpointReader {
  /** [safetensors]' reference implementation refuses headers above 100 MB; so do we. */
  private static final long MAX_HEADER = 100L << 20;

  private record Entry(String dtype, long[] shape, long begin, long end) {}

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, long[]> shapes = new LinkedHashMap<>();

  public SafetensorsCheckpoint(Path file) {
    this.file = file;
    if (!Files.isRegularFile(file)) {
      throw new ModelException(file + ": checkpoint not found (expected a .safetensors file)");
    }
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
      long size = channel.size();
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      if (size < 8 || channel.read(lengthBytes, 0) != 8) {
        throw bad("shorter than the 8-byte header length");
      }
      long headerLength = lengthBytes.getLong(0);
      if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
        throw bad("header length " + headerLength + " is impossible for a file of " + size + " bytes");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLength);
      channel.read(header, 8);
      dataStart = 8 + headerLength;
      parseHeader(new ObjectMapper().readTree(header.array()), size - dataStart);
    } catch (IOException e) {
      throw new ModelException(file + ": cannot read safetensors file: " + e.getMessage(), e);
    }
  }

  private void parseHeader(JsonNode root, long dataBytes) {
    if (root == null || !root.isObject()) {
      throw bad("header is not a JSON object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (name.equals("__metadata__")) {
        continue;
      }
      JsonNode t = field.getValue();
      JsonNode shapeNode = t.get("shape");
      JsonNode offsets = t.get("data_offsets");
      if (!t.hasNonNull("dtype") || shapeNode == null || !shapeNode.isArray() || offsets == null
          || offsets.size() != 2) {
        throw bad("header entry " + name + " lacks dtype, shape or data_offsets");
      }
      long[] shape = new long[shapeNode.size()];
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).asLong();
        count *= shape[i];
      }
      String dtype = t.get("dtype").asText();
      long begin = offsets.get(0).asLong();
      long end = offsets.get(1).asLong();
      int width = bytesPer(dtype, name);
      if (begin < 0 || end > dataBytes || end - begin != count * width) {
        throw bad("tensor " + name + " (" + dtype + " " + java.util.Arrays.toString(shape) + ") has byte range ["
            + begin + ", " + end + "), which does not fit its shape or the " + dataBytes + " data bytes");
      }
      entries.put(name, new Entry(dtype, shape, begin, end));
      shapes.put(name, shape);
    }
  }

  private int bytesPer(String dtype, String name) {
    return switch (dtype) {
      case "F32" -> 4;
      case "F16", "BF16" -> 2;
      case "F64" -> 8;
      default -> throw bad("tensor " + name + " has dtype " + dtype + ", expected F32, F16, BF16 or F64");
    };
  }

  @Override
  public Map<String, long[]> shapes() {
    return shapes;
  }

  @Override
  public float[] read(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new ModelException(file + ": no tensor named " + name);
    }
    int n = Math.toIntExact((e.end - e.begin) / bytesPer(e.dtype, name));
    ByteBuffer bytes;
    try {
      bytes = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, e.end - e.begin)
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException ex) {
      throw new ModelException(file + ": tensor " + name + " cannot be read: " + ex.getMessage(), ex);
    }
    float[] values = new float[n];
    switch (e.dtype) {
      case "F32" -> bytes.asFloatBuffer().get(values);
      case "F64" -> {
        for (int i = 0; i < n; i++) {
          values[i] = (float) bytes.getDouble(8 * i);
        }
      }
      // bfloat16 is the top half of a float32.
      case "BF16" -> {
        for (int i = 0; i < n; i++) {
          values[i] = Float.intBitsToFloat((bytes.getShort(2 * i) & 0xffff) << 16);
        }
      }
      case "F16" -> {
        for (int i = 0; i < n; i++) {
          values[i] = halfToFloat(bytes.getShort(2 * i));
        }
      }
      default -> throw new IllegalStateException(e.dtype);
    }
    return values;
  }

  /** IEEE 754 binary16 to float (Float.float16ToFloat arrives only in Java 20). */
  static float halfToFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exponent = (h >>> 10) & 0x1f;
    int mantissa = h & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Subnormal (or zero): mantissa * 2^-24.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  private ModelException bad(String what) {
    return new ModelException(file + ": not a valid safetensors file: " + what);
  }

  @Override
  public String source() {
    return file.toString();
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Read-only; nothing is lost.
    }
  }
}
