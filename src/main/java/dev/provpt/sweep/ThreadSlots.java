package dev.provpt.sweep;

import dev.provpt.sweep.scheduler.AshaSearch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** ASHA's slots as threads of this process: each segment a real run, {@code slots} at once. */
final class ThreadSlots implements AshaSearch.Slots, AutoCloseable {
  /** Trains a segment and returns its run's best validation accuracy up to the segment's last epoch. */
  interface Trainer {
    double train(AshaSearch.Segment segment) throws Exception;
  }

  private final ExecutorService pool;
  private final ExecutorCompletionService<AshaSearch.Finished> done;
  private final Trainer trainer;

  ThreadSlots(int slots, Trainer trainer) {
    this.pool = Executors.newFixedThreadPool(slots, r -> {
      Thread t = new Thread(r, "provpt-asha-slot");
      t.setDaemon(true);
      return t;
    });
    this.done = new ExecutorCompletionService<>(pool);
    this.trainer = trainer;
  }

  @Override
  public void start(AshaSearch.Segment segment) {
    done.submit(() -> new AshaSearch.Finished(segment, trainer.train(segment)));
  }

  @Override
  public AshaSearch.Finished next() throws Exception {
    try {
      return done.take().get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : new IllegalStateException(e.getCause());
    }
  }

  /** Starts nothing more and waits for the segments still running: a run is not interrupted half-way. */
  @Override
  public void close() throws InterruptedException {
    pool.shutdown();
    while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
      // the running segments finish
    }
  }
}
