package dev.provpt.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  @TempDir
  Path run;

  private static EpochRecord epoch(int epoch, double trainLoss) {
    return new EpochRecord(epoch, "vpt-deep", trainLoss, 0.5, 1, 0.5, null, new int[] {1, 1}, null, null, null, null,
        0.1, EpochRecord.emptyPhaseSeconds());
  }

  private List<Integer> epochs() throws Exception {
    return RunDirectory.readEpochs(run).stream().map(EpochRecord::epoch).toList();
  }

  /**
   * A worker that passed its guard, paused, and appends after another worker took the run over
   * (resuming after epoch 2) writes into the replaced file: metrics.jsonl keeps each epoch once.
   */
  @Test
  void aStaleWriterCannotReachTheFileOfTheWorkerThatTookTheRunOver() throws Exception {
    MetricsLog stale = RunDirectory.at(run).openMetrics(0);
    for (int e = 1; e <= 3; e++) {
      stale.append(epoch(e, 1.0));
    }
    MetricsLog current = RunDirectory.at(run).openMetrics(2);
    assertEquals(List.of(1, 2), epochs(), "the takeover keeps the epochs up to its checkpoint");
    stale.append(epoch(4, 1.0));
    current.append(epoch(3, 2.0));
    current.append(epoch(4, 2.0));
    stale.close();
    current.close();
    assertEquals(List.of(1, 2, 3, 4), epochs());
    assertEquals(2.0, RunDirectory.readEpochs(run).get(3).trainLoss(), "epoch 4 is the current worker's");
    try (var files = Files.list(run)) {
      assertEquals(List.of(RunDirectory.METRICS), files.map(f -> f.getFileName().toString()).toList(),
          "no file left aside");
    }
  }

  @Test
  void aRefusedGuardWritesNothing() throws Exception {
    boolean[] allowed = {true};
    RunDirectory guarded = RunDirectory.at(run).guardedBy(() -> {
      if (!allowed[0]) {
        throw new IllegalStateException("taken over");
      }
    });
    MetricsLog log = guarded.openMetrics(0);
    log.append(epoch(1, 1.0));
    allowed[0] = false;
    assertThrows(IllegalStateException.class, () -> log.append(epoch(2, 1.0)));
    assertThrows(IllegalStateException.class, () -> guarded.openMetrics(1));
    log.close();
    assertEquals(List.of(1), epochs());
  }
}
