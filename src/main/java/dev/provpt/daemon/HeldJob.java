package dev.provpt.daemon;

import dev.provpt.run.RunSupervisor;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A job this node holds, from its claim to its run's outcome: the one record the job manager
 * keeps per job (immutable: a change is a new record in its place).
 *
 * @param claim the claim (job, fencing token) every write about the job is made under
 * @param stage how far its start got
 * @param directory its run directory (null until its start is recorded)
 * @param guard the write guard of its run directory ({@link LeaseGuard}), renewed with its lease
 * @param run its run's supervisor (null until it runs)
 * @param cancelling a cancellation was asked: its end is {@code cancelled}
 * @param lost its lease was taken over: it stops here, and nothing more is written under its claim
 * @param bestVal the best validation accuracy of its epochs so far (−1 before any)
 */
record HeldJob(JobStore.Claim claim, Stage stage, Path directory, LeaseGuard guard,
    ActorRef<RunSupervisor.Command> run, boolean cancelling, boolean lost, double bestVal) {

  enum Stage {
    /** Its start is being recorded in the store. */
    STARTING,
    /** Its backbone and data are loading (its checkpoint read, when it resumes). */
    LOADING,
    /** Its run's supervisor runs it. */
    RUNNING
  }

  static HeldJob claimed(JobStore.Claim claim, LeaseGuard guard) {
    return new HeldJob(claim, Stage.STARTING, null, guard, null, false, false, -1);
  }

  long id() {
    return claim.id();
  }

  HeldJob loading(Path directory) {
    return new HeldJob(claim, Stage.LOADING, directory, guard, run, cancelling, lost, bestVal);
  }

  HeldJob running(ActorRef<RunSupervisor.Command> run, double bestVal) {
    return new HeldJob(claim, Stage.RUNNING, directory, guard, run, cancelling, lost, bestVal);
  }

  HeldJob cancel() {
    return new HeldJob(claim, stage, directory, guard, run, true, lost, bestVal);
  }

  HeldJob lose() {
    return new HeldJob(claim, stage, directory, guard, run, cancelling, true, bestVal);
  }

  HeldJob withBestVal(double best) {
    return new HeldJob(claim, stage, directory, guard, run, cancelling, lost, best);
  }
}
