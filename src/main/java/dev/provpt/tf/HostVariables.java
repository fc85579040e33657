package dev.provpt.tf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Float32 variables of one graph that Java reads and writes by name. Registering a variable adds
 * a placeholder ({@code <name>_value}) and an assign op beside it: a value goes in by feeding the
 * placeholder and running the assign, and comes out by fetching the variable. Values never become
 * graph constants, which would copy them into the GraphDef (capped at 2 GB in a SavedModel).
 *
 * <p>{@link #create}, {@link #declare} and {@link #register} add ops, so they run while the graph
 * is built; {@code read}/{@code write} run a session of that graph. Names are the caller's; ops are
 * named by the {@link Ops} scope given at construction plus that name.
 */
public final class HostVariables {
  private record Entry(Operand<TFloat32> variable, Placeholder<TFloat32> value, Op assign, long[] shape) {}

  private final Ops tf;
  private final String kind;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /** {@code kind} names one variable in error messages: "state variable", "PPO variable". */
  public HostVariables(Ops tf, String kind) {
    this.tf = tf;
    this.kind = kind;
  }

  /** A variable that starts as {@code values}: the graph's init ops assign them (Session.initialize). */
  public static Variable<TFloat32> initialised(Ops tf, String name, long[] shape, float[] values) {
    return tf.withInitScope().withName(name).variable(
        tf.withInitScope().constant(Shape.of(shape), DataBuffers.of(values, true, false)));
  }

  /** A variable that starts as {@code values}, registered under {@code name}. */
  public Variable<TFloat32> create(String name, long[] shape, float[] values) {
    Variable<TFloat32> variable = initialised(tf, name, shape, values);
    register(name, variable);
    return variable;
  }

  /** A variable without an initial value: it holds nothing until written. */
  public Variable<TFloat32> declare(String name, long... shape) {
    Variable<TFloat32> variable = tf.withName(name).variable(Shape.of(shape), TFloat32.class);
    register(name, variable);
    return variable;
  }

  /** Makes an existing variable (an optimiser's slot, say) readable and writable as {@code name}. */
  public void register(String name, Operand<TFloat32> variable) {
    if (entries.containsKey(name)) {
      throw new IllegalArgumentException(kind + " " + name + " is registered twice");
    }
    Shape shape = variable.shape();
    if (shape.isUnknown() || shape.hasUnknownDimension()) {
      throw new IllegalStateException(kind + " " + name + " has no static shape: " + shape);
    }
    Placeholder<TFloat32> value = tf.withName(name + "_value").placeholder(TFloat32.class, Placeholder.shape(shape));
    entries.put(name, new Entry(variable, value, tf.assign(variable, value), shape.asArray()));
  }

  /** Every variable of {@code graph} (weights, optimiser slots, counters), by op name; all must be float32. */
  public static HostVariables ofEveryVariable(Graph graph, Ops tf, String kind) {
    List<Operation> found = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      Operation op = it.next();
      if (op.type().equals(Optimizer.VARIABLE_V2)) {
        found.add(op);
      }
    }
    HostVariables variables = new HostVariables(tf, kind);
    for (Operation op : found) { // collected first: registering adds ops to the graph being iterated
      Output<?> output = op.output(0);
      if (output.type() != TFloat32.class) {
        throw new IllegalStateException(kind + " " + op.name() + " is " + output.dataType() + ", expected float32");
      }
      @SuppressWarnings("unchecked")
      Output<TFloat32> variable = (Output<TFloat32>) output;
      variables.register(op.name(), variable);
    }
    return variables;
  }

  /** The registered names, in registration order. */
  public Set<String> names() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  public float[] read(Session session, String name) {
    try (Result r = session.runner().fetch(entry(name).variable()).run()) {
      return Tensors.toFloats(r.get(0));
    }
  }

  /** Every variable's value, in one session run. */
  public Map<String, float[]> readAll(Session session) {
    Session.Runner runner = session.runner();
    List<String> names = new ArrayList<>(entries.keySet());
    names.forEach(name -> runner.fetch(entries.get(name).variable()));
    Map<String, float[]> values = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        values.put(names.get(i), Tensors.toFloats(r.get(i)));
      }
    }
    return values;
  }

  public void write(Session session, String name, float[] values) {
    writeAll(session, Map.of(name, values));
  }

  /** Writes {@code values} (a value per name) in one session run, after checking all of them. */
  public void writeAll(Session session, Map<String, float[]> values) {
    values.forEach(this::checkSize);
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      values.forEach((name, v) -> {
        Entry e = entries.get(name);
        TFloat32 t = Tensors.floats(v, e.shape());
        fed.add(t);
        runner.feed(e.value(), t).addTarget(e.assign());
      });
      runner.run().close();
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  private void checkSize(String name, float[] values) {
    long expected = Shape.of(entry(name).shape()).size();
    if (values.length != expected) {
      throw new IllegalArgumentException(kind + " " + name + " needs " + expected + " values (shape "
          + Shape.of(entry(name).shape()) + "), got " + values.length);
    }
  }

  private Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException("no " + kind + " " + name + "; have " + entries.keySet());
    }
    return e;
  }
}
