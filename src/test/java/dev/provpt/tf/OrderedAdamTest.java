package dev.provpt.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * OrderedAdam follows Adam's update exactly, step after step, with several variables updated at
 * once: the case in which the framework's Adam may advance its beta powers before an update has
 * read them. Checked against a plain-Java double-precision Adam.
 */
class OrderedAdamTest {
  static final double LR = 0.05;
  static final double B1 = 0.9;
  static final double B2 = 0.999;
  static final double EPS = 1e-8;

  @Test
  void everyStepIsAdamsStep() {
    float[][] starts = {{1f, -2f, 0.5f}, {3f, 0.25f}, {-1.5f}};
    double[] targets = {3, -1, 0.5};
    for (int repeat = 0; repeat < 3; repeat++) {
      try (Graph graph = new Graph(); Session session = new Session(graph)) {
        Ops tf = Ops.create(graph);
        List<Variable<TFloat32>> vars = new java.util.ArrayList<>();
        Operand<TFloat32> loss = tf.constant(0f);
        for (int i = 0; i < starts.length; i++) {
          Variable<TFloat32> v = tf.withInitScope().withName("x" + i).variable(
              tf.withInitScope().constant(Shape.of(starts[i].length),
                  org.tensorflow.ndarray.buffer.DataBuffers.of(starts[i], true, false)));
          vars.add(v);
          // sum of (x - target)^2 * (i + 1): a different gradient scale per variable
          Operand<TFloat32> d = tf.math.sub(v, tf.constant((float) targets[i]));
          loss = tf.math.add(loss, tf.math.mul(tf.constant(i + 1f), tf.sum(tf.math.square(d), tf.constant(0))));
        }
        Op step = new OrderedAdam(graph, "adam", (float) LR).minimize(loss, "step");
        session.initialize();

        double[][] x = new double[starts.length][];
        double[][] m = new double[starts.length][];
        double[][] s = new double[starts.length][];
        for (int i = 0; i < starts.length; i++) {
          x[i] = new double[starts[i].length];
          for (int k = 0; k < x[i].length; k++) {
            x[i][k] = starts[i][k];
          }
          m[i] = new double[x[i].length];
          s[i] = new double[x[i].length];
        }
        for (int t = 1; t <= 25; t++) {
          session.runner().addTarget(step).run();
          double lrT = LR * Math.sqrt(1 - Math.pow(B2, t)) / (1 - Math.pow(B1, t));
          for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < x[i].length; k++) {
              double g = 2 * (i + 1) * (x[i][k] - targets[i]);
              m[i][k] = B1 * m[i][k] + (1 - B1) * g;
              s[i][k] = B2 * s[i][k] + (1 - B2) * g * g;
              x[i][k] -= lrT * m[i][k] / (Math.sqrt(s[i][k]) + EPS);
            }
          }
          for (int i = 0; i < x.length; i++) {
            try (Result r = session.runner().fetch(vars.get(i)).run()) {
              float[] actual = Tensors.toFloats(r.get(0));
              for (int k = 0; k < actual.length; k++) {
                assertEquals(x[i][k], actual[k], 1e-4, "step " + t + ", x" + i + "[" + k + "]");
              }
            }
          }
        }
      }
    }
  }
}
