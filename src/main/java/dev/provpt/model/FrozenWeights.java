package dev.provpt.model;

import dev.provpt.tf.HostVariables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Fixed tensors of a graph (a frozen backbone, a tuned model's prompts and head), held in
 * variables that are filled once by feeding their values, never in graph constants: oneDNN runs
 * its fused MatMul+bias 3.5x slower on constant weights (docs/PERFORMANCE.md), and constants copy
 * every weight into the GraphDef, which a SavedModel's protobuf caps at 2 GB.
 */
final class FrozenWeights {
  private final HostVariables host;
  private final List<WeightTensor> values = new ArrayList<>();
  private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();

  /** Variables are named by {@code tf}'s scope plus their name. */
  FrozenWeights(Ops tf) {
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

  Map<String, Variable<TFloat32>> variables() {
    return variables;
  }

  /** Writes every value into its variable, one at a time; run once, after the session is created. */
  void fill(Session session) {
    for (WeightTensor value : values) {
      host.write(session, value.name(), value.values());
    }
  }
}
