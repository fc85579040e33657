package dev.provpt.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.config.ExperimentSettings.Prune;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScorerActorTest {
  static ActorTestKit testKit; // per execution of the class: see AllocatorActorTest

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final TestProbe<ScorerActor.Reply> replies = testKit.createTestProbe();
  private static final int[] ASSIGNMENT = {0, 0, 1, 1, 2, 2};

  @Test
  void prunesTheMostIdlePromptAndBuildsTheState() {
    var scorer = testKit.spawn(ScorerActor.create(3, 1, Prune.TAYLOR, 1));
    scorer.tell(new ScorerActor.Score(2, new float[] {0.1f, -0.2f, 0.3f, 0f, 0.05f, 0.4f}, ASSIGNMENT, 1.0, replies.ref()));
    var scored = assertInstanceOf(ScorerActor.Scored.class, replies.receiveMessage());
    assertEquals(2, scored.epoch());
    assertEquals(Optional.of(5), scored.pruned());
    assertEquals(2, scored.sourceBlock());
    assertEquals(0.4, scored.maxScore(), 1e-6);
    assertEquals(0.4, scored.prunedScore(), 1e-6);
    assertEquals(1.0, scored.loss());
    assertEquals(-0.1, scored.blockSums()[0], 1e-6);
    assertEquals(0.45, scored.blockSums()[2], 1e-6);
    float[] state = scored.state();
    assertEquals(9, state.length);
    // z-normalised sums: mean 0.2167, sample std 0.3 -> block 2 is (0.45 - 0.2167) / 0.3
    assertEquals((0.45 - 0.65 / 3) / Math.sqrt(((0.1 + 0.65 / 3) * (0.1 + 0.65 / 3) + (0.3 - 0.65 / 3) * (0.3 - 0.65 / 3)
        + (0.45 - 0.65 / 3) * (0.45 - 0.65 / 3)) / 2), state[2], 1e-5);
    // distribution after removal: 2, 2, 1 out of 5
    assertEquals(0.4f, state[3], 1e-6);
    assertEquals(0.2f, state[5], 1e-6);
    // one-hot source block
    assertEquals(0f, state[6]);
    assertEquals(1f, state[8]);
  }

  /** Taylor pruning's reply: the pruned prompt's score is the highest one; none pruned, none scored. */
  @Test
  void taylorRepliesCarryTheMaxScoreAsThePrunedScore() {
    assertEquals(0.4, new ScorerActor.Scored(2, new double[3], 0.4, Optional.of(5), 2, new float[9], 1).prunedScore());
    assertEquals(0.0, new ScorerActor.Scored(2, new double[3], -0.1, Optional.empty(), -1, new float[0], 1).prunedScore());
  }

  @Test
  void nothingIsPrunedWithoutAPositiveScore() {
    var scorer = testKit.spawn(ScorerActor.create(3, 1, Prune.TAYLOR, 1));
    scorer.tell(new ScorerActor.Score(2, new float[] {-0.1f, -0.2f, 0f, -1f, -0.05f, -0.4f}, ASSIGNMENT, 1.0,
        replies.ref()));
    var scored = assertInstanceOf(ScorerActor.Scored.class, replies.receiveMessage());
    assertTrue(scored.pruned().isEmpty());
    assertEquals(0, scored.state().length);
  }

  @Test
  void refusesASecondPruneInOneEpochAndPruningDuringWarmUp() {
    var scorer = testKit.spawn(ScorerActor.create(3, 2, Prune.TAYLOR, 1));
    float[] scores = {0.1f, -0.2f, 0.3f, 0f, 0.05f, 0.4f};
    scorer.tell(new ScorerActor.Score(2, scores, ASSIGNMENT, 1.0, replies.ref()));
    var warm = assertInstanceOf(ScorerActor.Refused.class, replies.receiveMessage());
    assertTrue(warm.reason().contains("warm-up"), warm.reason());
    scorer.tell(new ScorerActor.Score(3, scores, ASSIGNMENT, 1.0, replies.ref()));
    assertInstanceOf(ScorerActor.Scored.class, replies.receiveMessage());
    scorer.tell(new ScorerActor.Score(3, scores, ASSIGNMENT, 1.0, replies.ref()));
    var again = assertInstanceOf(ScorerActor.Refused.class, replies.receiveMessage());
    assertTrue(again.reason().contains("already scored"), again.reason());
    // a refusal changes nothing: the next epoch is scored
    scorer.tell(new ScorerActor.Score(4, scores, ASSIGNMENT, 1.0, replies.ref()));
    assertEquals(4, assertInstanceOf(ScorerActor.Scored.class, replies.receiveMessage()).epoch());
  }

  @Test
  void randomPruningReleasesSomePromptEvenWithoutIdleness() {
    var scorer = testKit.spawn(ScorerActor.create(3, 1, Prune.RANDOM, 1));
    float[] scores = {-1f, -2f, -3f, -4f, -5f, -6f};
    scorer.tell(new ScorerActor.Score(2, scores, ASSIGNMENT, 1.0, replies.ref()));
    var scored = assertInstanceOf(ScorerActor.Scored.class, replies.receiveMessage());
    int pruned = scored.pruned().orElseThrow();
    assertEquals(scores[pruned], scored.prunedScore(), 1e-6, "the pruned prompt's own score");
    assertEquals(ASSIGNMENT[pruned], scored.sourceBlock());
    assertEquals(-1, scored.maxScore(), 1e-6);
  }

  /** Random pruning draws from (seed, epoch): one seed repeats its prompts, another seed draws others. */
  @Test
  void randomPruningDependsOnTheSeedAndTheEpochOnly() {
    var first = prunedPrompts(7);
    assertEquals(first, prunedPrompts(7));
    assertTrue(!first.equals(prunedPrompts(8)), "seeds 7 and 8 pruned the same prompts " + first);
    assertTrue(first.stream().distinct().count() > 1, "every epoch pruned the same prompt: " + first);
  }

  /** The prompts a fresh random-pruning scorer with {@code seed} releases in epochs 2 to 9. */
  private java.util.List<Integer> prunedPrompts(long seed) {
    var scorer = testKit.spawn(ScorerActor.create(3, 1, Prune.RANDOM, seed));
    var pruned = new java.util.ArrayList<Integer>();
    for (int epoch = 2; epoch <= 9; epoch++) {
      scorer.tell(new ScorerActor.Score(epoch, new float[6], ASSIGNMENT, 1.0, replies.ref()));
      pruned.add(assertInstanceOf(ScorerActor.Scored.class, replies.receiveMessage()).pruned().orElseThrow());
    }
    return pruned;
  }
}
