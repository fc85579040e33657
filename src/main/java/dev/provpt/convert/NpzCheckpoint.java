package dev.provpt.convert;

import dev.provpt.model.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jetbrains.bio.npy.NpyArray;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.jetbrains.bio.npy.NpyFile;
import org.jetbrains.bio.npy.NpzFile;

/**
 * A NumPy {@code .npz} archive (the original Vision Transformer release's format), read with
 * JetBrains' npy library. Shapes come from each entry's header; values are read on demand.
 */
public final class NpzCheckpoint implements CheckpointReader {
  /** Bytes per read chunk: large tensors are streamed, not mapped whole. */
  private static final int CHUNK = 1 << 22;
  /** Enough for any .npy header (they are padded to 64 bytes and short). */
  private static final int HEADER_BYTES = 4096;

  private final Path file;
  private final NpzFile.Reader reader;
  private final Map<String, long[]> shapes = new LinkedHashMap<>();

  public NpzCheckpoint(Path file) {
    this.file = file;
    if (!Files.isRegularFile(file)) {
      throw new ModelException(file + ": checkpoint not found (expected a .npz file)");
    }
    try {
      reader = NpzFile.read(file);
      readShapes();
    } catch (IOException | RuntimeException e) {
      throw new ModelException(file + ": not a readable .npz archive: " + e.getMessage(), e);
    }
  }

  /**
   * Shapes from each member's .npy header alone (parsed by the library), so that a 400 MB
   * checkpoint is checked before any tensor is read.
   */
  private void readShapes() throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        byte[] head;
        try (InputStream in = zip.getInputStream(entry)) {
          head = in.readNBytes(HEADER_BYTES);
        }
        NpyFile.Header header = NpyFile.Header.Companion.read(ByteBuffer.wrap(head));
        shapes.put(stripSuffix(entry.getName()), toLong(header.getShape()));
      }
    }
  }

  private static String stripSuffix(String entryName) {
    return entryName.endsWith(".npy") ? entryName.substring(0, entryName.length() - 4) : entryName;
  }

  @Override
  public Map<String, long[]> shapes() {
    return shapes;
  }

  @Override
  public float[] read(String name) {
    NpyArray array = array(name);
    Object data = array.getData();
    if (data instanceof float[] f) {
      return f;
    }
    if (data instanceof double[] d) {
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
    throw new ModelException(file + ": tensor " + name + " holds " + data.getClass().getSimpleName()
        + ", expected float32 or float64");
  }

  private NpyArray array(String name) {
    if (!shapes.containsKey(name)) {
      throw new ModelException(file + ": no tensor named " + name);
    }
    try {
      return reader.get(name, CHUNK);
    } catch (RuntimeException e) {
      throw new ModelException(file + ": tensor " + name + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static long[] toLong(int[] shape) {
    long[] s = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      s[i] = shape[i];
    }
    return s;
  }

  @Override
  public String source() {
    return file.toString();
  }

  @Override
  public void close() {
    reader.close();
  }
}
