package dev.provpt.model;

import java.util.Arrays;

/** One named float tensor of a model, in row-major order. */
public record WeightTensor(String name, long[] shape, float[] values) {

  public WeightTensor {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          name + ": shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
    }
  }

  public boolean hasShape(long[] expected) {
    return Arrays.equals(shape, expected);
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }
}
