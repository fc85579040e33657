package dev.provpt.run;

import dev.provpt.actors.CycleState;
import dev.provpt.rl.PolicyState;
import dev.provpt.train.TuningSession;

/** The state of a run at a verified checkpoint: what each actor continues from. */
public record Resume(TuningSession.Snapshot tuner, PolicyState allocator, CycleState experiment) {
  /** The last epoch the checkpoint completed: the run continues with the next. */
  public int epoch() {
    return experiment.epoch();
  }
}
