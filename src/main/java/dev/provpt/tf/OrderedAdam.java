package dev.provpt.tf;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyAdam;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The framework's {@link Adam} (same slots, same {@code ApplyAdam} kernel, same defaults) with its
 * beta powers advanced only after every {@code ApplyAdam} has read them.
 *
 * <p>Why: in tensorflow-framework 1.1.0, {@code Adam.finish} assigns {@code beta1_power *= β1}
 * with no dependency on the {@code ApplyAdam} ops that read it, so whether a step uses β1^t or
 * β1^(t+1) depends on the executor's op order. In the first steps that changes the step size by up to ~25%, and
 * two identical runs (or a run and its restored checkpoint) drift apart. Used by the PPO
 * allocator and by pre-training.
 */
public final class OrderedAdam extends Optimizer {
  private final String name;
  private final float constantLearningRate;
  private final Operand<TFloat32> fedLearningRate;
  private Variable<TFloat32> betaOnePower;
  private Variable<TFloat32> betaTwoPower;

  /** {@code name} prefixes the beta-power variables (the m and v slots are named after their variable). */
  public OrderedAdam(Graph graph, String name, float learningRate) {
    super(graph, name);
    this.name = name;
    this.constantLearningRate = learningRate;
    this.fedLearningRate = null;
  }

  /** With a learning rate the caller feeds or computes (a schedule). */
  public OrderedAdam(Graph graph, String name, Operand<TFloat32> learningRate) {
    super(graph, name);
    this.name = name;
    this.constantLearningRate = Float.NaN;
    this.fedLearningRate = learningRate;
  }

  @Override
  protected void createSlots(List<Output<? extends TType>> variables) {
    for (Output<? extends TType> v : variables) {
      createZeroSlot(v, Adam.FIRST_MOMENT);
      createZeroSlot(v, Adam.SECOND_MOMENT);
    }
    betaOnePower = tf.withInitScope().withName(name + ".beta1_power").variable(Shape.scalar(), TFloat32.class);
    tf.withInitScope().assign(betaOnePower, tf.constant(Adam.BETA_ONE_DEFAULT));
    betaTwoPower = tf.withInitScope().withName(name + ".beta2_power").variable(Shape.scalar(), TFloat32.class);
    tf.withInitScope().assign(betaTwoPower, tf.constant(Adam.BETA_TWO_DEFAULT));
  }

  private <T extends TType> void createZeroSlot(Output<T> variable, String slot) {
    createSlot(variable, slot, tf.fill(tf.shape(variable), tf.dtypes.cast(tf.constant(0f), variable.type())));
  }

  @Override
  protected <T extends TType> Op applyDense(Ops deps, Output<T> gradient, Output<T> variable) {
    if (gradient.type() != TFloat32.class) {
      throw new IllegalArgumentException("OrderedAdam updates float32 variables, got " + gradient.dataType()
          + " for " + variable.op().name());
    }
    @SuppressWarnings("unchecked")
    Output<TFloat32> g = (Output<TFloat32>) gradient;
    @SuppressWarnings("unchecked")
    Output<TFloat32> v = (Output<TFloat32>) variable;
    return deps.train.applyAdam(
        v,
        getSlot(v, Adam.FIRST_MOMENT).orElseThrow(),
        getSlot(v, Adam.SECOND_MOMENT).orElseThrow(),
        betaOnePower,
        betaTwoPower,
        fedLearningRate != null ? fedLearningRate : tf.constant(constantLearningRate),
        tf.constant(Adam.BETA_ONE_DEFAULT),
        tf.constant(Adam.BETA_TWO_DEFAULT),
        tf.constant(Adam.EPSILON_DEFAULT),
        g,
        ApplyAdam.useLocking(true));
  }

  /** The beta-power updates depend on every ApplyAdam: this ordering is the whole point of the class. */
  @Override
  protected Op finish(List<Op> updateOperations, String name) {
    Ops afterUpdates = tf.withControlDependencies(List.copyOf(updateOperations));
    List<Op> all = new ArrayList<>(updateOperations);
    all.add(afterUpdates.assign(betaOnePower,
        afterUpdates.math.mul(betaOnePower, afterUpdates.constant(Adam.BETA_ONE_DEFAULT))));
    all.add(afterUpdates.assign(betaTwoPower,
        afterUpdates.math.mul(betaTwoPower, afterUpdates.constant(Adam.BETA_TWO_DEFAULT))));
    return super.finish(all, name);
  }

  @Override
  public String getOptimizerName() {
    return "OrderedAdam";
  }
}
