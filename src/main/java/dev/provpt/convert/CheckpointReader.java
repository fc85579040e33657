package dev.provpt.convert;

import java.util.Map;

/** The named float tensors of a foreign checkpoint file, read one at a time. */
public interface CheckpointReader extends AutoCloseable {

  /** Every tensor's shape, by name, in file order. */
  Map<String, long[]> shapes();

  /** A tensor's values as float32 in row-major (C) order, converted from the stored type. */
  float[] read(String name);

  /** The file, for messages. */
  String source();

  @Override
  void close();
}
