package dev.provpt.sweep;

import com.typesafe.config.Config;
import dev.provpt.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How the runs of a sweep or a comparison share the machine: {@code concurrentRuns} at once, each
 * TensorFlow session with {@code threadsPerRun} threads ({@code provpt.sweep.concurrent-runs},
 * {@code provpt.tensorflow-threads}). The default is one run at a time: on the shared 2-core
 * development machine packing gave no more runs per hour (docs/PERFORMANCE.md, "Sweep
 * throughput"; {@code provpt bench --packing} measures it).
 *
 * @param threadsPerRun 0: TensorFlow's default (all cores), only when runs go one at a time
 */
public record RunPacking(int concurrentRuns, int threadsPerRun) {
  public static final String CONCURRENT_RUNS = "provpt.sweep.concurrent-runs";
  /** Beyond this, auto does not go: memory, not cores, would decide (each run holds its backbone and graph). */
  static final int AUTO_MAX = 8;

  public RunPacking {
    if (concurrentRuns < 1 || threadsPerRun < 0) {
      throw new IllegalArgumentException("concurrent runs must be >= 1 and threads >= 0, got "
          + concurrentRuns + " and " + threadsPerRun);
    }
  }

  /**
   * The packing an experiment asks for: {@code concurrent-runs} (0: auto, one run per core up to
   * {@value #AUTO_MAX}) and its {@code tensorflow-threads}, which when 0 becomes cores / runs
   * (at least 1) as soon as more than one run goes at once.
   */
  public static RunPacking of(Config config) {
    Settings s = new Settings(config);
    int runs = s.intIn(CONCURRENT_RUNS, 0, 256);
    int threads = s.intIn("provpt.tensorflow-threads", 0, 1024);
    return resolve(runs, threads, Runtime.getRuntime().availableProcessors());
  }

  static RunPacking resolve(int concurrentRuns, int tensorflowThreads, int cores) {
    int runs = concurrentRuns > 0 ? concurrentRuns : Math.max(1, Math.min(cores, AUTO_MAX));
    int threads = tensorflowThreads > 0 || runs == 1 ? tensorflowThreads : Math.max(1, cores / runs);
    return new RunPacking(runs, threads);
  }

  /** The override that gives a run its threads (none when TensorFlow chooses). */
  public List<String> overrides() {
    return threadsPerRun > 0 ? List.of("tensorflow-threads=" + threadsPerRun) : List.of();
  }

  /**
   * Runs every task, {@code concurrentRuns} at a time; the results in the tasks' order. The first
   * failure (in task order) is thrown once every started task has ended; tasks not yet started
   * when a task fails are not started.
   */
  public <T> List<T> runAll(List<? extends Callable<T>> tasks) throws Exception {
    if (concurrentRuns == 1 || tasks.size() <= 1) {
      List<T> results = new ArrayList<>();
      for (Callable<T> task : tasks) {
        results.add(task.call());
      }
      return results;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrentRuns, tasks.size()), r -> {
      Thread t = new Thread(r, "provpt-packed-run");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<T> results = new ArrayList<>();
      Exception failure = null;
      for (Future<T> f : futures) {
        try {
          if (failure == null) {
            results.add(f.get());
          } else {
            f.cancel(false); // not started yet: never starts; running: ends on its own
          }
        } catch (ExecutionException e) {
          failure = e.getCause() instanceof Exception cause ? cause : new IllegalStateException(e.getCause());
          futures.forEach(other -> other.cancel(false));
        }
      }
      pool.shutdown();
      while (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
        // the running tasks finish their runs: a run is not interrupted half-way
      }
      if (failure != null) {
        throw failure;
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
