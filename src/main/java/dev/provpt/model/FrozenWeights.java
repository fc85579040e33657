package dev.provpt.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Fixed tensors of a graph (a frozen backbone, a tuned model's prompts and head), held in
 * variables that are filled once by feeding their values, never in graph constants: oneDNN runs
 * its fused MatMul+bias 3.5x slower on constant weights (docs/PERFORMANCE.md), and constants copy
 * every weight into the GraphDef, which a SavedModel's protobuf caps at 2 GB.
 */
final class FrozenWeights {
  private record Fill(Placeholder<TFloat32> feed, Op assign, WeightTensor value) {}

  private final Ops tf;
  private final List<Fill> fills = new ArrayList<>();
  private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();

  /** Variables are named by {@code tf}'s scope plus their name. */
  FrozenWeights(Ops tf) {
    this.tf = tf;
  }

  Variable<TFloat32> add(WeightTensor value) {
    Shape shape = Shape.of(value.shape());
    Variable<TFloat32> variable = tf.withName(value.name()).variable(shape, TFloat32.class);
    Placeholder<TFloat32> feed = tf.withName(value.name() + "_value").placeholder(TFloat32.class,
        Placeholder.shape(shape));
    fills.add(new Fill(feed, tf.assign(variable, feed), value));
    variables.put(value.name(), variable);
    return variable;
  }

  Variable<TFloat32> add(String name, float[] values, long... shape) {
    return add(new WeightTensor(name, shape, values));
  }

  Map<String, Variable<TFloat32>> variables() {
    return variables;
  }

  /** Writes every value into its variable; run once, after the session is created. */
  void fill(Session session) {
    for (Fill f : fills) {
      try (TFloat32 t = TFloat32.tensorOf(Shape.of(f.value().shape()),
          DataBuffers.of(f.value().values(), true, false))) {
        session.runner().feed(f.feed(), t).addTarget(f.assign()).run();
      }
    }
  }
}
