package dev.provpt.actors;

import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.TensorBoardWriter;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Writes each epoch's metrics record to TensorBoard event files (TensorFlow ops: spawn it on the TensorFlow dispatcher). */
public final class TensorBoardActor {
  /** One epoch's metrics.jsonl record. */
  public record Epoch(EpochRecord record) {}

  private TensorBoardActor() {}

  public static Behavior<Epoch> create(Path logDirectory) {
    return Behaviors.setup(context -> {
      TensorBoardWriter writer = new TensorBoardWriter(logDirectory);
      return Behaviors.receive(Epoch.class)
          .onMessage(Epoch.class, epoch -> {
            writer.epoch(epoch.record());
            return Behaviors.same();
          })
          .onSignal(PostStop.class, signal -> {
            writer.close();
            return Behaviors.same();
          })
          .build();
    });
  }
}
