package dev.provpt.model;

import dev.provpt.method.PromptMode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Tuning models kept for the next run of the same shape in this process. A run that ends hands its model back
 * ({@link PromptedModel#close}); the next run with the same backbone (the same loaded weights), class count,
 * prompt count and mode, head input, measured estimators, precision, XLA setting and thread count starts on it ({@link PromptedModel#start})
 * instead of building a graph and a session again. What that saves is not the building (a fraction of a second
 * for the small backbone) but TensorFlow's optimisation of the graph for each new set of feeds and fetches — the
 * training step, the evaluation, the checkpoint reads — which a session does on first use and then keeps: about
 * two seconds of every run of a sweep on the small backbone. Runs going at once each get their own model.
 */
public final class ModelPool {
  private static final ModelPool SHARED = new ModelPool(4);

  /** The pool of this process: runs, sweeps and the daemon's jobs lend from it. */
  public static ModelPool shared() {
    return SHARED;
  }

  private final int idleLimit;
  /** Idle models, the most recently returned first. */
  private final Deque<PromptedModel> idle = new ArrayDeque<>();

  /** {@code idleLimit}: how many idle models it keeps (each holds a session and the backbone's weights). */
  public ModelPool(int idleLimit) {
    this.idleLimit = idleLimit;
  }

  /** {@link #lend(VitConfig, VitWeights, ModelShape, PromptedModel.Hyper, long)} measuring every estimator. */
  public PromptedModel lend(VitConfig config, VitWeights weights, int numClasses, int promptCount, PromptMode mode,
      PromptedModel.Hyper hyper, long seed) {
    return lend(config, weights, ModelShape.measuringAll(numClasses, promptCount, mode), hyper, seed);
  }

  /**
   * A model for a run: an idle one of this shape, started with {@code hyper} and {@code seed}, or a new one.
   * Closing it hands it back here.
   */
  public PromptedModel lend(VitConfig config, VitWeights weights, ModelShape shape, PromptedModel.Hyper hyper,
      long seed) {
    PromptedModel found = null;
    synchronized (this) {
      for (Iterator<PromptedModel> it = idle.iterator(); it.hasNext(); ) {
        PromptedModel m = it.next();
        if (m.builtFor(config, weights, shape) && m.fits(hyper)) {
          it.remove();
          found = m;
          break;
        }
      }
    }
    if (found != null) {
      try {
        found.start(hyper, seed);
      } catch (RuntimeException e) {
        found.dispose();
        throw e;
      }
    } else {
      found = PromptedModel.create(config, weights, shape, hyper, seed);
    }
    found.lendFrom(this);
    return found;
  }

  /** Takes a model back; beyond the limit the least recently returned one is disposed of. */
  void giveBack(PromptedModel model) {
    PromptedModel evicted = null;
    synchronized (this) {
      idle.addFirst(model);
      if (idle.size() > idleLimit) {
        evicted = idle.removeLast();
      }
    }
    if (evicted != null) {
      evicted.dispose();
    }
  }

  /** How many idle models it holds. */
  public synchronized int idleCount() {
    return idle.size();
  }

  /** Disposes of every idle model. */
  public void clear() {
    Deque<PromptedModel> all;
    synchronized (this) {
      all = new ArrayDeque<>(idle);
      idle.clear();
    }
    all.forEach(PromptedModel::dispose);
  }
}
