package dev.provpt.tf;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/** Conversions between Java arrays and TensorFlow tensors (callers close the tensors). */
public final class Tensors {
  private Tensors() {}

  public static TFloat32 floats(float[] values, long... shape) {
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  /** A tensor over the first {@code count} values of a (reused, possibly larger) buffer. */
  public static TFloat32 prefixOf(float[] values, int count, long... shape) {
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false).narrow(count));
  }

  public static TInt32 ints(int[] values, long... shape) {
    return TInt32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  public static TInt64 longs(long... values) {
    return TInt64.vectorOf(values);
  }

  public static float[] toFloats(Tensor tensor) {
    TFloat32 t = (TFloat32) tensor;
    float[] out = new float[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static int[] toInts(Tensor tensor) {
    TInt32 t = (TInt32) tensor;
    int[] out = new int[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static float toFloat(Tensor tensor) {
    return ((TFloat32) tensor).getFloat();
  }
}
