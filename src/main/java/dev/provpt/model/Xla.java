package dev.provpt.model;

/**
 * TensorFlow's XLA JIT on the tuning graph ({@code provpt.xla}): {@code on} sets the session's
 * {@code global_jit_level} to ON_1 and turns on CPU auto-clustering (off by default in
 * TensorFlow, which is why the level alone changes nothing on a CPU). docs/PERFORMANCE.md has the trial.
 */
public enum Xla {
  OFF("off"), ON("on");

  public final String key;

  private static volatile boolean cpuAutoClustering;

  Xla(String key) {
    this.key = key;
  }

  /**
   * Lets XLA cluster CPU graphs whose session asks for it ({@code global_jit_level} ON_1). TensorFlow
   * fixes its CPU auto-clustering policy the first time any session of the process is optimised, so
   * this must run before the process's first session runs: the run service and the bench call it
   * first thing. Harmless otherwise: sessions that do not ask for a jit level are not clustered.
   */
  public static void enableCpuAutoClustering() {
    if (!cpuAutoClustering) {
      org.tensorflow.internal.c_api.global.tensorflow.TF_SetTfXlaCpuGlobalJit((byte) 1);
      cpuAutoClustering = true;
    }
  }
}
