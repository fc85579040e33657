package dev.provpt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.TestBackbones;
import dev.provpt.data.Augmentation;
import dev.provpt.data.Normalization;
import dev.provpt.data.Shapes;
import dev.provpt.idleness.Estimator;
import dev.provpt.method.PromptMode;
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
      // train a little first, so that the prompts are not at their initial values and their effects differ
      session.tuneEpoch(1, dev.provpt.rundir.ProgressBar.silent());
      var result = session.measureWithLeaveOneOut(subset);
      float[] truth = result.idleness().scores(Estimator.LEAVE_ONE_OUT);
      assertEquals(6, truth.length);
      // the gate estimators come from the same pass over the same images
      assertEquals(6, result.idleness().scores(Estimator.ATTENTION_GATE).length);
      // independently: the subset's mean loss with all prompts, and with a model that has the prompt taken out of
      // the pool and the assignment (the same frozen weights, the same head, the other prompts' values)
      int[] assignment = TuningSession.uniformAssignment(3, 2);
      double all = subsetLoss(session.model(), subset, assignment);
      assertEquals(all, result.loss(), 1e-5 * Math.max(1, all));
      for (int removed : new int[] {1, 4}) {
        double without;
        try (PromptedModel fewer = withoutPrompt(session.model(), removed)) {
          without = subsetLoss(fewer, subset, without(assignment, removed));
        }
        // the removal effect as measured: L(all) − L(without it), positive when removing the prompt lowers the loss
        assertEquals(all - without, truth[removed], 1e-4, "prompt " + removed);
      }
      assertTrue(Math.abs(truth[1] - truth[4]) > 1e-6, "two prompts with the same effect test little: " + truth[1]);
    }
  }

  /** The mean loss over {@code subset} in the session's batches (16, fashion-mnist normalisation). */
  private static double subsetLoss(PromptedModel model, dev.provpt.data.ImageSet subset, int[] assignment) {
    double sum = 0;
    var batches = dev.provpt.data.BatchIterator.sequential(subset, 16, Normalization.of("fashion-mnist", 1));
    while (batches.hasNext()) {
      var b = batches.next();
      sum += (double) model.evaluate(b.images(), b.labels(), b.size(), assignment).loss() * b.size();
    }
    return sum / subset.size();
  }

  /** A new model with {@code model}'s head and prompts except prompt {@code removed}. */
  private static PromptedModel withoutPrompt(PromptedModel model, int removed) {
    PromptedModel fewer = PromptedModel.create(TestBackbones.SMALL, VitWeights.random(TestBackbones.SMALL, 3), 10,
        model.promptCount() - 1, PromptMode.DEEP, new PromptedModel.Hyper(0.1f, 0.9f, 0f, 0.25f, 0f, 1), 5);
    float[] pool = model.read(PromptedModel.POOL);
    float[] kept = new float[pool.length - WIDTH];
    System.arraycopy(pool, 0, kept, 0, removed * WIDTH);
    System.arraycopy(pool, (removed + 1) * WIDTH, kept, removed * WIDTH, pool.length - (removed + 1) * WIDTH);
    fewer.write(PromptedModel.POOL, kept);
    fewer.write(PromptedModel.HEAD_KERNEL, model.read(PromptedModel.HEAD_KERNEL));
    fewer.write(PromptedModel.HEAD_BIAS, model.read(PromptedModel.HEAD_BIAS));
    return fewer;
  }

  private static int[] without(int[] assignment, int removed) {
    int[] kept = new int[assignment.length - 1];
    System.arraycopy(assignment, 0, kept, 0, removed);
    System.arraycopy(assignment, removed + 1, kept, removed, kept.length - removed);
    return kept;
  }

  private static TuningSession linearProbe(boolean cacheFeatures, Augmentation augmentation) {
    PromptedModel model = PromptedModel.create(TestBackbones.SMALL, VitWeights.random(TestBackbones.SMALL, 3), 10, 0,
        PromptMode.NONE, new PromptedModel.Hyper(0.5f, 0.9f, 0.001f, 0.25f, 0f, 1), 5);
    return new TuningSession(model, Shapes.generate(1, 5, "shapes10"), Normalization.of("fashion-mnist", 1),
        augmentation, 16, 7, new int[0], cacheFeatures);
  }

  /**
   * The linear probe on features computed once takes the same steps as the one that runs the backbone every
   * epoch: the same batches in the same order, the same head updates, up to float rounding (the backbone's
   * matrix products see other batch sizes when features are computed for a whole set at once).
   */
  @Test
  void theLinearProbeOnCachedFeaturesTrainsAsTheOneThatRecomputesThem() {
    try (TuningSession cached = linearProbe(true, Augmentation.NONE);
         TuningSession recomputed = linearProbe(false, Augmentation.NONE)) {
      assertTrue(cached.onFeatures());
      assertTrue(!recomputed.onFeatures());
      var val = Shapes.generate(2, 3, "shapes10");
      for (int epoch = 1; epoch <= 3; epoch++) {
        var a = cached.tuneEpoch(epoch, dev.provpt.rundir.ProgressBar.silent());
        var b = recomputed.tuneEpoch(epoch, dev.provpt.rundir.ProgressBar.silent());
        assertEquals(b.loss(), a.loss(), 1e-4 * Math.max(1, b.loss()), "epoch " + epoch + " training loss");
        assertEquals(b.accuracy(), a.accuracy(), 1e-9, "epoch " + epoch + " training accuracy");
        var ea = cached.evaluate(val);
        var eb = recomputed.evaluate(val);
        assertEquals(eb.loss(), ea.loss(), 1e-4 * Math.max(1, eb.loss()), "epoch " + epoch + " validation loss");
        assertEquals(eb.accuracy(), ea.accuracy(), 1e-9, "epoch " + epoch + " validation accuracy");
      }
      assertEquals(recomputed.steps(), cached.steps(), "one step per batch either way");
      assertEquals(2, cached.featureSetsComputed(), "the training set's and val's features, each computed once");
      assertEquals(0, recomputed.featureSetsComputed());
      float[] ka = cached.model().read(PromptedModel.HEAD_KERNEL);
      float[] kb = recomputed.model().read(PromptedModel.HEAD_KERNEL);
      for (int i = 0; i < ka.length; i++) {
        assertEquals(kb[i], ka[i], 1e-4 + 1e-3 * Math.abs(kb[i]), "head kernel [" + i + "]");
      }
    }
  }

  @Test
  void promptsOrAugmentationKeepTheBackboneInEveryStep() {
    try (TuningSession augmented = linearProbe(true, Augmentation.FGVC);
         TuningSession prompted = session()) {
      assertTrue(!augmented.onFeatures(), "augmented images change every epoch");
      assertTrue(!prompted.onFeatures(), "features depend on the prompts");
    }
  }
}
