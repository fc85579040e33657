package dev.provpt.sweep.scheduler;

/** How {@code provpt sweep} trains its grid ({@code provpt.sweep.scheduler}). */
public enum Scheduler {
  /** Every grid point to the last epoch (the paper's protocol). */
  GRID("grid"),
  /** Asynchronous successive halving: grid points stop at rungs unless in the top 1/η ({@link Asha}). */
  ASHA("asha");

  public static final String KEY = "provpt.sweep.scheduler";

  public final String key;

  Scheduler(String key) {
    this.key = key;
  }
}
