package dev.provpt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.TestBackbones;
import dev.provpt.data.Augmentation;
import dev.provpt.data.Normalization;
import dev.provpt.data.Shapes;
import dev.provpt.model.PromptMode;
import dev.provpt.model.PromptedModel;
import dev.provpt.model.VitWeights;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TuningSessionTest {
  private static final int WIDTH = TestBackbones.SMALL.width();

  private static TuningSession session() {
    PromptedModel model = PromptedModel.create(TestBackbones.SMALL, VitWeights.random(TestBackbones.SMALL, 3), 10, 6,
        PromptMode.DEEP, new PromptedModel.Hyper(0.1f, 0.9f, 0f, 0.25f, 0f, 1), 5);
    return new TuningSession(model, Shapes.generate(1, 4, "shapes10"), Normalization.of("fashion-mnist", 1),
        Augmentation.NONE, 16, 7, TuningSession.uniformAssignment(3, 2));
  }

  private static float[] row(TuningSession session, int prompt) {
    float[] pool = session.model().read(PromptedModel.POOL);
    return Arrays.copyOfRange(pool, prompt * WIDTH, (prompt + 1) * WIDTH);
  }

  @Test
  void aPromptSentBackToItsOwnBlockIsLeftAsItIsUnlessAsked() {
    try (TuningSession session = session()) {
      float[] before = row(session, 2);
      assertEquals(1, session.relocate(2, 1, 1e-3f, false));
      assertArrayEquals(before, row(session, 2), "kept in block 1, not scaled (the supervised reference)");
      session.relocate(2, 1, 1e-3f, true);
      assertEquals(before[0] * 1e-3f, row(session, 2)[0], 1e-9, "kept and scaled when asked");
      float[] other = row(session, 4);
      assertEquals(2, session.relocate(4, 0, 1e-3f, false));
      assertEquals(other[3] * 1e-3f, row(session, 4)[3], 1e-9, "a real move is always scaled");
      assertArrayEquals(new int[] {3, 2, 1}, session.distribution());
    }
  }

  @Test
  void leaveOneOutIsTheLossWithEachPromptRemovedFromTheFixedSubset() {
    try (TuningSession session = session()) {
      var subset = session.scoringSubset(24);
      assertEquals(24, subset.size());
      assertArrayEquals(subset.labels(), session.scoringSubset(24).labels(), "the same subset every time");
      var result = session.measureWithLeaveOneOut(subset);
      float[] truth = result.idleness().leaveOneOut();
      assertEquals(6, truth.length);
      assertTrue(Arrays.stream(new double[] {truth[0], truth[5]}).allMatch(Double::isFinite));
      // the gate estimators come from the same pass over the same images
      assertEquals(6, result.idleness().attentionGate().length);
      assertTrue(result.loss() > 0);
    }
  }
}
