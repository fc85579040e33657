package dev.provpt.model;

/**
 * TensorFlow's XLA JIT on the tuning graph ({@code provpt.xla}): {@code on} sets the session's
 * {@code global_jit_level} to ON_1 and turns on CPU auto-clustering (off by default in
 * TensorFlow, which is why the level alone changes nothing on a CPU). docs/PERFORMANCE.md has the trial.
 */
public enum Xla {
  OFF("off"), ON("on");

  public final String key;

  Xla(String key) {
    this.key = key;
  }
}
