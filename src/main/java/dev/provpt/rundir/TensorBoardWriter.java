package dev.provpt.rundir;

import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * TensorBoard event files of a run, written by TensorFlow's own summary ops (so any TensorBoard
 * reads them): one scalar per metric and epoch, and the prompt count of every block.
 */
public final class TensorBoardWriter implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final Placeholder<TInt64> step;
  private final Placeholder<TString> tag;
  private final Placeholder<TFloat32> value;
  private final Op write;
  private final Op flush;
  private final Op close;

  public TensorBoardWriter(Path logDirectory) {
    Ops tf = Ops.create(graph);
    SummaryWriter writer = tf.summary.summaryWriter(SummaryWriter.sharedName("provpt-" + logDirectory.toAbsolutePath()));
    Op create = tf.summary.createSummaryFileWriter(writer, tf.constant(logDirectory.toAbsolutePath().toString()),
        tf.constant(10), tf.constant(1000), tf.constant(".provpt"));
    step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    tag = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    value = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    write = tf.summary.writeScalarSummary(writer, step, tag, value);
    flush = tf.summary.flushSummaryWriter(writer);
    close = tf.summary.closeSummaryWriter(writer);
    session = new Session(graph);
    session.run(create);
  }

  /** Writes the numeric fields of one metrics.jsonl record at step = its epoch. */
  public void epoch(EpochRecord record) {
    long epoch = record.epoch();
    Map<String, Double> values = new java.util.LinkedHashMap<>();
    values.put("train_loss", record.trainLoss());
    values.put("train_acc", record.trainAccuracy());
    values.put("val_loss", record.valLoss());
    values.put("val_acc", record.valAccuracy());
    values.put("test_acc", record.testAccuracy());
    values.put("reward", record.reward());
    values.put("ppo_loss", record.ppoLoss());
    values.put("max_idleness", record.maxIdleness());
    values.put("seconds", record.seconds());
    values.forEach((key, value) -> {
      if (value != null) {
        scalar(key, epoch, value.floatValue());
      }
    });
    int[] distribution = record.distribution();
    for (int b = 0; b < distribution.length; b++) {
      scalar(String.format("distribution/block_%02d", b), epoch, distribution[b]);
    }
    session.run(flush);
  }

  public void scalar(String name, long atStep, float scalar) {
    try (TInt64 s = TInt64.scalarOf(atStep); TString t = TString.scalarOf(name); TFloat32 v = TFloat32.scalarOf(scalar)) {
      session.runner().feed(step, s).feed(tag, t).feed(value, v).addTarget(write).run();
    }
  }

  @Override
  public void close() {
    session.run(close);
    session.close();
    graph.close();
  }
}
