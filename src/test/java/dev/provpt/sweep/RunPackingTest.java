package dev.provpt.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RunPackingTest {
  @Test
  void autoIsOneRunPerCoreWithOneThreadEachAndAnExplicitChoiceWins() {
    assertEquals(new RunPacking(2, 1), RunPacking.resolve(0, 0, 2));
    assertEquals(new RunPacking(8, 4), RunPacking.resolve(0, 0, 32)); // auto stops at 8 runs
    assertEquals(new RunPacking(1, 0), RunPacking.resolve(1, 0, 2)); // one at a time: TensorFlow's default threads
    assertEquals(new RunPacking(1, 0), RunPacking.resolve(0, 0, 1));
    assertEquals(new RunPacking(3, 1), RunPacking.resolve(3, 0, 2)); // oversubscribed still gets a thread
    assertEquals(new RunPacking(2, 4), RunPacking.resolve(2, 4, 2)); // tensorflow-threads set: kept
    assertEquals(List.of("tensorflow-threads=1"), new RunPacking(2, 1).overrides());
    assertEquals(List.of(), new RunPacking(1, 0).overrides());
  }

  @Test
  void theSettingIsReadAndValidated() {
    assertEquals(new RunPacking(1, 0), RunPacking.of(ConfigLoader.load(null, List.of("sweep.concurrent-runs=1"))));
    assertEquals(new RunPacking(2, 3),
        RunPacking.of(ConfigLoader.load(null, List.of("sweep.concurrent-runs=2", "tensorflow-threads=3"))));
    var e = assertThrows(RuntimeException.class,
        () -> RunPacking.of(ConfigLoader.load(null, List.of("sweep.concurrent-runs=-1"))));
    assertTrue(e.getMessage().contains("provpt.sweep.concurrent-runs"), e.getMessage());
  }

  @Test
  void runsGoConcurrentRunsAtATimeAndResultsKeepTheirOrder() throws Exception {
    CountDownLatch bothStarted = new CountDownLatch(2);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = i;
      tasks.add(() -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        bothStarted.countDown();
        // the first two wait for each other: only possible when two run at once
        assertTrue(bothStarted.await(10, TimeUnit.SECONDS));
        Thread.sleep(5 * (6 - n)); // later tasks finish first
        running.decrementAndGet();
        return n;
      });
    }
    assertEquals(List.of(0, 1, 2, 3, 4, 5), new RunPacking(2, 1).runAll(tasks));
    assertEquals(2, most.get());
  }

  @Test
  void theFirstFailureIsThrownAfterTheRunningTasksEnd() {
    AtomicInteger started = new AtomicInteger();
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      tasks.add(() -> {
        started.incrementAndGet();
        if (n == 1) {
          throw new IllegalStateException("run 1 failed");
        }
        Thread.sleep(50);
        return n;
      });
    }
    var e = assertThrows(IllegalStateException.class, () -> new RunPacking(2, 1).runAll(tasks));
    assertEquals("run 1 failed", e.getMessage());
    assertTrue(started.get() < 10, "tasks after the failure were not started: " + started.get());
  }

  @Test
  void oneAtATimeRunsInTheCallersThread() throws Exception {
    Thread caller = Thread.currentThread();
    assertEquals(List.of(true, true), new RunPacking(1, 0).runAll(List.of(
        () -> Thread.currentThread() == caller, () -> Thread.currentThread() == caller)));
  }
}
