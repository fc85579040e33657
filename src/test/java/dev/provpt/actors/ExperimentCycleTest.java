package dev.provpt.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.idleness.Estimator;
import dev.provpt.idleness.Measurement;
import dev.provpt.rundir.Checkpoints;
import dev.provpt.rundir.EpochRecord;
import dev.provpt.rundir.RunDirectory;
import dev.provpt.train.TuningSession.PassResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Experiment's cycle with probes playing Tuner, Scorer and Allocator. */
class ExperimentCycleTest {
  static ActorTestKit testKit; // per execution of the class: see AllocatorActorTest

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final TestProbe<TunerActor.Command> tuner = testKit.createTestProbe();
  private final TestProbe<ScorerActor.Command> scorer = testKit.createTestProbe();
  private final TestProbe<AllocatorActor.Command> allocator = testKit.createTestProbe();
  private final TestProbe<ExperimentActor.Outcome> outcome = testKit.createTestProbe();
  private final TestProbe<ExperimentActor.Status> status = testKit.createTestProbe();

  /** The epochs' records as the experiment hands them on after writing them. */
  private final List<EpochRecord> recorded = new CopyOnWriteArrayList<>();

  private static final int[] START = {2, 2, 2};
  private static final int[] ASSIGNMENT = {0, 0, 1, 1, 2, 2};

  private ActorRef<ExperimentActor.Command> start(int epochs) {
    var team = new ExperimentTeam(Behaviors.monitor(TunerActor.Command.class, tuner.ref(), Behaviors.ignore()),
        Behaviors.monitor(ScorerActor.Command.class, scorer.ref(), Behaviors.ignore()),
        Behaviors.monitor(AllocatorActor.Command.class, allocator.ref(), Behaviors.ignore()));
    var plan = new ExperimentPlan("pro-vpt", true, epochs, 1, true, 1e-3f, 3, false, START);
    return testKit.spawn(ExperimentActor.create(plan, team, RunDirectory.at(tmp.resolve("run")), outcome.ref(),
        recorded::add, null));
  }

  private static PassResult pass(double loss, float... scores) {
    return new PassResult(loss, 0.5, Measurement.of(Estimator.INPUT_GATE, scores), 0.01);
  }

  private ExperimentActor.Status status(ActorRef<ExperimentActor.Command> experiment) {
    experiment.tell(new ExperimentActor.GetStatus(status.ref()));
    return status.receiveMessage();
  }

  /** Plays one warm-up epoch: tune, evaluate, checkpoint. */
  private void warmUpEpoch(int epoch) {
    var tune = tuner.expectMessageClass(TunerActor.Tune.class);
    assertEquals(epoch, tune.epoch());
    tune.replyTo().tell(new TunerActor.Tuned(epoch, pass(1.0, new float[6]), START, ASSIGNMENT));
    var evaluate = tuner.expectMessageClass(TunerActor.Evaluate.class);
    assertFalse(evaluate.withTest(), "the test split is evaluated in the last epoch only");
    evaluate.replyTo().tell(new TunerActor.Evaluated(epoch, pass(1.0), null));
    checkpoint(epoch);
  }

  /** Plays the checkpoint at the end of an epoch: the tuner writes, the allocator hands its state. */
  private void checkpoint(int epoch) {
    var checkpoint = tuner.expectMessageClass(TunerActor.Checkpoint.class);
    assertEquals(epoch, checkpoint.epoch());
    assertEquals(Checkpoints.epochDirectory(tmp.resolve("run"), epoch).resolve(Checkpoints.TUNER), checkpoint.file());
    checkpoint.replyTo().tell(new TunerActor.Checkpointed(epoch, checkpoint.file()));
    var save = allocator.expectMessageClass(AllocatorActor.Save.class);
    assertEquals(epoch, save.epoch());
    try (var policy = dev.provpt.rl.ThompsonAllocator.create(3, 1)) {
      save.replyTo().tell(new AllocatorActor.Saved(epoch, policy.save()));
    }
  }

  @Test
  void outOfTurnMessagesAreRefusedAndChangeNothing() {
    var experiment = start(3);
    warmUpEpoch(1);
    // epoch 2 starts with a scoring pass (no tuning during warm-up relocation)
    var scorePass = tuner.expectMessageClass(TunerActor.ScorePass.class);
    assertEquals(2, scorePass.epoch());
    scorePass.replyTo().tell(new TunerActor.ScorePassed(2, pass(0.9, 0.1f, -0.2f, 0.3f, 0f, 0.05f, 0.4f), ASSIGNMENT));
    var score = scorer.expectMessageClass(ScorerActor.Score.class);
    assertEquals(0.9, score.loss());
    var before = status(experiment);
    assertEquals("prune", before.phase());

    // Allocate before Prune
    experiment.tell(new ExperimentActor.Reply(new AllocatorActor.Decided(2, 0, new double[3])));
    // Reward before Tune
    experiment.tell(new ExperimentActor.Reply(new AllocatorActor.Rewarded(2, 1.0, OptionalDouble.empty(), 0)));
    // a tuning result nobody asked for
    experiment.tell(new ExperimentActor.Reply(new TunerActor.Tuned(2, pass(0.1), new int[] {6, 0, 0}, ASSIGNMENT)));
    var after = status(experiment);
    assertEquals(3, after.refused());
    assertEquals("prune", after.phase());
    assertArrayEquals(before.distribution(), after.distribution());
    assertEquals(0, after.relocations());
    tuner.expectNoMessage(Duration.ofMillis(200));
    allocator.expectNoMessage(Duration.ofMillis(50));

    // the real prune: prompt 5 (score 0.4) from block 2
    score.replyTo().tell(new ScorerActor.Scored(2, new double[] {-0.1, 0.3, 0.45}, 0.4, Optional.of(5), 2,
        new float[9], 0.9));
    var decide = allocator.expectMessageClass(AllocatorActor.Decide.class);
    assertEquals(2, decide.sourceBlock());
    // a second Prune in the same epoch
    experiment.tell(new ExperimentActor.Reply(new ScorerActor.Scored(2, new double[3], 0.3, Optional.of(1), 0,
        new float[9], 0.9)));
    assertEquals(4, status(experiment).refused());
    scorer.expectNoMessage(Duration.ofMillis(100));
    allocator.expectNoMessage(Duration.ofMillis(50));

    decide.replyTo().tell(new AllocatorActor.Decided(2, 0, new double[] {0.5, 0.25, 0.25}));
    var relocate = tuner.expectMessageClass(TunerActor.Relocate.class);
    assertEquals(5, relocate.prompt());
    assertEquals(0, relocate.toBlock());
    assertEquals(1e-3f, relocate.scale());
    int[] moved = {3, 2, 1};
    int[] movedAssignment = {0, 0, 1, 1, 2, 0};
    relocate.replyTo().tell(new TunerActor.Relocated(2, 5, 2, 0, true, moved, movedAssignment));
    var tune = tuner.expectMessageClass(TunerActor.Tune.class);
    assertEquals(1, status(experiment).relocations());
    tune.replyTo().tell(new TunerActor.Tuned(2, pass(0.8, new float[6]), moved, movedAssignment));
    var evaluate = tuner.expectMessageClass(TunerActor.Evaluate.class);
    assertFalse(evaluate.withTest(), "the test split is evaluated in the last epoch only");
    evaluate.replyTo().tell(new TunerActor.Evaluated(2, pass(0.7), null));
    checkpoint(2);

    // epoch 3: score, the scorer's assessment (its max score), then the reward of epoch 2's relocation:
    // L_prev − L_curr − max score
    tuner.expectMessageClass(TunerActor.ScorePass.class).replyTo()
        .tell(new TunerActor.ScorePassed(3, pass(0.6, 0.05f, -0.1f, 0f, 0f, 0f, 0.02f), movedAssignment));
    scorer.expectMessageClass(ScorerActor.Score.class).replyTo().tell(new ScorerActor.Scored(3,
        new double[] {0.05, -0.1, 0.02}, 0.05, Optional.of(0), 0, new float[9], 0.6));
    var reward = allocator.expectMessageClass(AllocatorActor.Reward.class);
    assertEquals(0.9 - 0.6 - 0.05, reward.reward(), 1e-6);
    assertTrue(reward.success());
    assertRecordedTwoEpochs();

    experiment.tell(new ExperimentActor.Cancel("test over"));
    var ended = outcome.receiveMessage();
    assertFalse(ended.succeeded());
    assertTrue(ended.error().contains("cancelled: test over"), ended.error());
  }

  /** Epochs 1 and 2 as written to metrics.jsonl, handed on, and checkpointed. */
  private void assertRecordedTwoEpochs() {
    Path run = tmp.resolve("run");
    List<EpochRecord> written;
    try {
      written = RunDirectory.readEpochs(run);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals(2, written.size());
    assertEquals(written.stream().map(EpochRecord::toJson).toList(), recorded.stream().map(EpochRecord::toJson).toList());
    EpochRecord first = written.get(0);
    assertEquals(1, first.epoch());
    assertNull(first.relocation());
    assertNull(first.maxIdleness());
    EpochRecord second = written.get(1);
    assertEquals(new EpochRecord.Relocation(5, 2, 0, 0.4, true), second.relocation());
    assertEquals(0.4, second.maxIdleness(), 1e-9);
    assertEquals(0.8, second.trainLoss(), 1e-9);
    assertArrayEquals(new int[] {3, 2, 1}, second.distribution());
    assertNull(second.reward(), "epoch 2's relocation is rewarded in epoch 3");
    for (int epoch = 1; epoch <= 2; epoch++) {
      Path checkpoint = Checkpoints.epochDirectory(run, epoch);
      assertTrue(Files.isRegularFile(checkpoint.resolve(Checkpoints.ALLOCATOR)), checkpoint + " has no allocator state");
      assertTrue(Files.isRegularFile(checkpoint.resolve(Checkpoints.EXPERIMENT)), checkpoint + " has no cycle state");
    }
    try {
      assertEquals(Checkpoints.epochDirectory(run, 2).getFileName() + "\n",
          Files.readString(run.resolve(Checkpoints.DIRECTORY).resolve(Checkpoints.LATEST)), "the latest checkpoint");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The experiment watches its children: one that stops ends the run and is named. */
  @Test
  void aChildThatStopsEndsTheRun() {
    Behavior<ScorerActor.Command> stoppingScorer = Behaviors.setup(context -> Behaviors.stopped());
    Behavior<AllocatorActor.Command> stoppingAllocator = Behaviors.setup(context -> Behaviors.stopped());
    var plan = new ExperimentPlan("pro-vpt", true, 2, 1, true, 1e-3f, 3, false, START);
    testKit.spawn(ExperimentActor.create(plan, new ExperimentTeam(Behaviors.ignore(), stoppingScorer,
        Behaviors.ignore()), RunDirectory.at(tmp.resolve("scorer")), outcome.ref(), line -> { }, null));
    var ended = outcome.receiveMessage(Duration.ofSeconds(10));
    assertTrue(ended.error().contains("scorer stopped unexpectedly"), ended.error());
    testKit.spawn(ExperimentActor.create(plan, new ExperimentTeam(Behaviors.ignore(), Behaviors.ignore(),
        stoppingAllocator), RunDirectory.at(tmp.resolve("allocator")), outcome.ref(), line -> { }, null));
    ended = outcome.receiveMessage(Duration.ofSeconds(10));
    assertTrue(ended.error().contains("allocator stopped unexpectedly"), ended.error());
  }

  @Test
  void aFailingChildEndsTheRunWithItsReason() {
    var team = new ExperimentTeam(
        Behaviors.receive(TunerActor.Command.class).onMessage(TunerActor.Tune.class, t -> {
          throw new IllegalStateException("training loss became NaN");
        }).build(),
        Behaviors.ignore(), Behaviors.ignore());
    var plan = new ExperimentPlan("vpt-deep", false, 2, 1, false, 1e-3f, 3, false, START);
    var experiment = testKit.spawn(ExperimentActor.create(plan, team, RunDirectory.at(tmp.resolve("failing")),
        outcome.ref(), line -> { }, null));
    var ended = outcome.receiveMessage(Duration.ofSeconds(10));
    assertFalse(ended.succeeded());
    assertTrue(ended.error().contains("tuner failed: training loss became NaN"), ended.error());
    testKit.createTestProbe().expectTerminated(experiment, Duration.ofSeconds(10)); // and the experiment stops
  }
}
