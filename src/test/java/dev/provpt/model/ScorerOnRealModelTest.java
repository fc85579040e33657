package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.actors.ScorerActor;
import dev.provpt.config.ExperimentSettings.Prune;
import dev.provpt.idleness.Estimator;
import dev.provpt.method.PromptMode;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Scorer releases a prompt that really hurts, measured on a real (tiny) TensorFlow model. */
class ScorerOnRealModelTest {
  static ActorTestKit testKit; // per execution of the class: see AllocatorActorTest
  private static final VitConfig C = TinyModels.CONFIG;
  private static final int BATCH = 12;
  private static final int HARMFUL = 1;
  private final float[] images = TinyModels.images(C, BATCH, 21);
  private final int[] labels = TinyModels.labels(BATCH, 3, 22);
  private final int[] assignment = {0, 0, 1, 1, 2, 2};

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private double loss(PromptedModel model) {
    return model.evaluate(images, labels, BATCH, assignment).loss();
  }

  @Test
  void theHarmfulPromptScoresHighestAndIsReleased() {
    try (PromptedModel model = TinyModels.model(PromptMode.DEEP, 6, 0f)) {
      for (int step = 0; step < 3; step++) {
        model.train(images, labels, BATCH, assignment, step);
      }
      // A prompt's only way in is LayerNorm (pre-norm block; its outputs are dropped), which is
      // blind to the prompt's scale: for prompts of ordinary size the first-order idleness score
      // g·p is zero up to LayerNorm's epsilon. Build the case where the score is informative:
      // every prompt small (near epsilon, where LayerNorm is close to linear), and one pointing
      // up the loss gradient, strongly enough to raise the loss measurably.
      int d = C.width();
      float[] pool = model.read(PromptedModel.POOL);
      for (int i = 0; i < pool.length; i++) {
        pool[i] *= 1e-4f;
      }
      model.write(PromptedModel.POOL, pool);
      float[] gradient = model.gradients(images, labels, BATCH, assignment).get(0);
      double norm = 0;
      for (int i = HARMFUL * d; i < (HARMFUL + 1) * d; i++) {
        norm += gradient[i] * gradient[i];
      }
      norm = Math.sqrt(norm);
      for (int i = HARMFUL * d; i < (HARMFUL + 1) * d; i++) {
        pool[i] = (float) (4e-4 * gradient[i] / norm);
      }
      model.write(PromptedModel.POOL, pool);
      double withPrompt = loss(model);
      float[] without = pool.clone();
      java.util.Arrays.fill(without, HARMFUL * d, (HARMFUL + 1) * d, 0f);
      model.write(PromptedModel.POOL, without);
      double withoutPrompt = loss(model);
      model.write(PromptedModel.POOL, pool);
      assertTrue(withPrompt - withoutPrompt > 1e-3,
          "prompt " + HARMFUL + " should measurably raise the loss: " + withPrompt + " vs " + withoutPrompt);

      float[] scores = model.score(images, labels, BATCH, assignment).signal(Estimator.INPUT_GATE);
      TestProbe<ScorerActor.Reply> replies = testKit.createTestProbe();
      var scorer = testKit.spawn(ScorerActor.create(C.depth(), 1, Prune.TAYLOR, 1));
      scorer.tell(new ScorerActor.Score(2, scores, assignment, withPrompt, replies.ref()));
      var scored = assertInstanceOf(ScorerActor.Scored.class, replies.receiveMessage());
      assertEquals(Optional.of(HARMFUL), scored.pruned(), "scores " + java.util.Arrays.toString(scores));
      assertEquals(0, scored.sourceBlock());

      // with every score negative (flip them), nothing is released
      float[] negative = new float[scores.length];
      for (int j = 0; j < scores.length; j++) {
        negative[j] = -Math.abs(scores[j]) - 1e-3f;
      }
      scorer.tell(new ScorerActor.Score(3, negative, assignment, withPrompt, replies.ref()));
      var none = assertInstanceOf(ScorerActor.Scored.class, replies.receiveMessage());
      assertTrue(none.pruned().isEmpty());
    }
  }

  /**
   * Documents a property of the method on pre-norm ViTs: a VPT-Deep prompt reaches the network
   * only through LayerNorm, which ignores its scale, so d/da L(a p) = g·p = 0 up to epsilon. The
   * first-order idleness of an ordinary-size prompt is therefore ~0 even when removing it
   * changes the loss.
   */
  @Test
  void ordinaryPromptsHaveNearZeroTaylorIdleness() {
    try (PromptedModel model = TinyModels.model(PromptMode.DEEP, 6, 0f)) {
      for (int step = 0; step < 3; step++) {
        model.train(images, labels, BATCH, assignment, step);
      }
      float[] scores = model.score(images, labels, BATCH, assignment).signal(Estimator.INPUT_GATE);
      double base = loss(model);
      float[] pool = model.read(PromptedModel.POOL);
      double largestEffect = 0;
      for (int j = 0; j < scores.length; j++) {
        assertTrue(Math.abs(scores[j]) < 1e-4, "prompt " + j + " score " + scores[j]);
        float[] without = pool.clone();
        java.util.Arrays.fill(without, j * C.width(), (j + 1) * C.width(), 0f);
        model.write(PromptedModel.POOL, without);
        largestEffect = Math.max(largestEffect, Math.abs(base - loss(model)));
        model.write(PromptedModel.POOL, pool);
      }
      assertTrue(largestEffect > 1e-3, "removing a prompt should change the loss, largest change " + largestEffect);
    }
  }
}
