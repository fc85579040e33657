package dev.provpt.actors;

import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.MetricsLog;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.rl.PolicyState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Everything the coordinator writes into its run directory: each epoch's metrics line (then
 * TensorBoard and the caller's callback), and its part of each epoch's checkpoint. Its writes are
 * blocking I/O (and the write guard's checks may wait for the job store): the coordinator calls
 * them on the blocking dispatcher, one at a time, never on its own handler.
 */
final class RunRecorder {
  private final RunDirectory directory;
  private final MetricsLog metrics;
  private final ActorRef<TensorBoardActor.Epoch> tensorBoard;
  private final Consumer<EpochRecord> onEpoch;

  private final java.util.Set<Integer> pinned;

  /** Takes over the run's metrics.jsonl, keeping the epochs up to {@code startsAfter}. */
  RunRecorder(RunDirectory directory, int startsAfter, ActorRef<TensorBoardActor.Epoch> tensorBoard,
      Consumer<EpochRecord> onEpoch, java.util.Set<Integer> pinned) {
    this.directory = directory;
    this.metrics = directory.openMetrics(startsAfter);
    this.pinned = pinned;
    this.tensorBoard = tensorBoard;
    this.onEpoch = onEpoch;
  }

  Path root() {
    return directory.root();
  }

  /** metrics.jsonl first (forced to disk), then TensorBoard and the callback. */
  void epoch(EpochRecord record) {
    metrics.append(record);
    tensorBoard.tell(new TensorBoardActor.Epoch(record));
    onEpoch.accept(record);
  }

  /** Where the tuner writes its part of the checkpoint of {@code epoch} (asked only while the run may write). */
  Path tunerCheckpoint(int epoch) {
    directory.checkWrites();
    return Checkpoints.epochDirectory(directory.root(), epoch).resolve(Checkpoints.TUNER);
  }

  /**
   * Adds the allocator's and the coordinator's state to the checkpoint of {@code epoch} and commits it.
   *
   * @throws java.io.UncheckedIOException when it cannot be written (the previous checkpoint stays the latest)
   */
  void checkpoint(int epoch, PolicyState allocator, CycleState cycle) {
    directory.checkWrites();
    Path epochDirectory = Checkpoints.epochDirectory(directory.root(), epoch);
    try {
      RunDirectory.writeAtomically(epochDirectory.resolve(Checkpoints.ALLOCATOR), allocator.toJson());
      Checkpoints.writeJson(epochDirectory.resolve(Checkpoints.EXPERIMENT), cycle);
      Checkpoints.commit(directory.root(), epoch, pinned);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the checkpoint of epoch " + epoch + ": " + e.getMessage(), e);
    }
  }

  /** Lets go of metrics.jsonl: the run has ended. */
  void close() {
    metrics.close();
  }

  /** Where the tuner exports the model (asked only while the run may write). */
  Path exportDirectory() {
    directory.checkWrites();
    return directory.resolve(RunDirectory.EXPORT);
  }
}
