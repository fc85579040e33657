package dev.provpt.model;

import dev.provpt.tf.HostVariables;
import dev.provpt.tf.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/**
 * Fixed tensors of a graph (a frozen backbone, a tuned model's prompts and head), held in
 * variables that are filled once by feeding their values, never in graph constants: oneDNN runs
 * its fused MatMul+bias 3.5x slower on constant weights (docs/PERFORMANCE.md), and constants copy
 * every weight into the GraphDef, which a SavedModel's protobuf caps at 2 GB.
 *
 * <p>A weight may also be held in bfloat16 ({@link #addBf16}): the variable is bf16, filled once
 * from the float32 values through a Cast in the graph, so the backbone exists once, at half the size.
 */
final class FrozenWeights {
  /** A bf16 variable and how it is filled: an fp32 placeholder, cast and assigned. */
  private record LowEntry(WeightTensor value, Placeholder<TFloat32> input, Op assign) {}

  private final Ops tf;
  private final HostVariables host;
  private final List<WeightTensor> values = new ArrayList<>();
  private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
  private final List<LowEntry> lowValues = new ArrayList<>();
  private final Map<String, Variable<TBfloat16>> bf16Variables = new LinkedHashMap<>();

  /** Variables are named by {@code tf}'s scope plus their name. */
  FrozenWeights(Ops tf) {
    this.tf = tf;
    this.host = new HostVariables(tf, "frozen weight");
  }

  Variable<TFloat32> add(WeightTensor value) {
    Variable<TFloat32> variable = host.declare(value.name(), value.shape());
    values.add(value);
    variables.put(value.name(), variable);
    return variable;
  }

  Variable<TFloat32> add(String name, float[] values, long... shape) {
    return add(new WeightTensor(name, shape, values));
  }

  /** {@code value} held in bfloat16 (rounded to nearest even when filled). */
  Variable<TBfloat16> addBf16(WeightTensor value) {
    Shape shape = Shape.of(value.shape());
    Variable<TBfloat16> variable = tf.withName(value.name() + "_bf16").variable(shape, TBfloat16.class);
    Placeholder<TFloat32> input = tf.withName(value.name() + "_bf16_value").placeholder(TFloat32.class,
        Placeholder.shape(shape));
    lowValues.add(new LowEntry(value, input, tf.assign(variable, tf.dtypes.cast(input, TBfloat16.class))));
    bf16Variables.put(value.name(), variable);
    return variable;
  }

  Map<String, Variable<TFloat32>> variables() {
    return variables;
  }

  /** The weights held in bfloat16, by name; empty in an fp32 graph. */
  Map<String, Variable<TBfloat16>> bf16Variables() {
    return bf16Variables;
  }

  /**
   * Writes every value into its variable; run once, after the session is created. Values go in batches of up to
   * {@link #FILL_BATCH_FLOATS}, a session call each: every call with a new set of feeds makes TensorFlow prune and
   * optimise the whole graph again (about 20 ms for the small backbone's tuning graph), so one call per weight
   * cost seconds per run, while one call for everything would hold a second copy of a large backbone at once.
   */
  void fill(Session session) {
    for (List<WeightTensor> batch : batches(values, WeightTensor::values)) {
      Map<String, float[]> byName = new LinkedHashMap<>();
      batch.forEach(value -> byName.put(value.name(), value.values()));
      host.writeAll(session, byName);
    }
    for (List<LowEntry> batch : batches(lowValues, low -> low.value().values())) {
      List<Tensor> fed = new ArrayList<>();
      try {
        Session.Runner runner = session.runner();
        for (LowEntry low : batch) {
          TFloat32 t = Tensors.floats(low.value().values(), low.value().shape());
          fed.add(t);
          runner.feed(low.input(), t).addTarget(low.assign());
        }
        runner.run().close();
      } finally {
        fed.forEach(Tensor::close);
      }
    }
  }

  /** {@code items} in order, cut into runs of at most {@link #FILL_BATCH_FLOATS} values (an item never split). */
  private static <T> List<List<T>> batches(List<T> items, Function<T, float[]> valuesOf) {
    List<List<T>> batches = new ArrayList<>();
    List<T> batch = new ArrayList<>();
    long floats = 0;
    for (T item : items) {
      int n = valuesOf.apply(item).length;
      if (!batch.isEmpty() && floats + n > FILL_BATCH_FLOATS) {
        batches.add(batch);
        batch = new ArrayList<>();
        floats = 0;
      }
      batch.add(item);
      floats += n;
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  /** The most values one fill call feeds: 64 Mi floats (256 MB), the small backbone's in one call. */
  private static final long FILL_BATCH_FLOATS = 64L << 20;
}
