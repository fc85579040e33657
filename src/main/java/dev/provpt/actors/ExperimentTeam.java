package dev.provpt.actors;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The behaviours of an Experiment's children; tests may substitute probes. */
public record ExperimentTeam(Behavior<TunerActor.Command> tuner, Behavior<ScorerActor.Command> scorer,
    Behavior<AllocatorActor.Command> allocator, Behavior<TensorBoardActor.Epoch> tensorBoard) {

  /** A team without TensorBoard output. */
  public ExperimentTeam(Behavior<TunerActor.Command> tuner, Behavior<ScorerActor.Command> scorer,
      Behavior<AllocatorActor.Command> allocator) {
    this(tuner, scorer, allocator, Behaviors.ignore());
  }
}
