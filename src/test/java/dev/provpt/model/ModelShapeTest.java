package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.idleness.Estimator;
import dev.provpt.method.HeadInput;
import dev.provpt.method.PromptMode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A graph holds the gates of the estimators it measures and no other; leaving them out changes no number. */
class ModelShapeTest {
  private static final VitConfig C = TinyModels.CONFIG;
  private static final VitWeights W = TinyModels.weights(C, 7);
  private static final float[] IMAGES = TinyModels.images(C, 8, 3);
  private static final int[] LABELS = TinyModels.labels(8, 3, 4);
  private static final int[] ASSIGNMENT = {0, 1, 2, 0, 1, 2};
  private static final List<String> GATES = List.of("prompt_gate", "prompt_content_gate", "prompt_key_log_gate");

  private static PromptedModel deep(Set<Estimator> estimators) {
    return PromptedModel.create(C, W, new ModelShape(3, 6, PromptMode.DEEP, HeadInput.BACKBONE, estimators),
        new PromptedModel.Hyper(0.05f, 0.9f, 0.001f, 0.25f, 0.1f, 1), 11); // one thread: bit for bit
  }

  @Test
  void aGraphMeasuringNothingHasNoGateAndItsStepsFetchNoSignal() {
    try (PromptedModel model = deep(Set.of())) {
      GATES.forEach(gate -> assertFalse(model.hasOperation(gate), gate));
      assertEquals(Set.of(), model.train(IMAGES, LABELS, 8, ASSIGNMENT, 1).signals().keySet());
      assertThrows(IllegalStateException.class, () -> model.lossWithoutEachPrompt(IMAGES, LABELS, 8, ASSIGNMENT));
    }
  }

  @Test
  void aGraphBuildsOnlyItsEstimatorsGates() {
    try (PromptedModel model = deep(Set.of(Estimator.SCALED_INPUT_GATE))) {
      assertEquals(List.of(false, true, false), GATES.stream().map(model::hasOperation).toList());
      var step = model.score(IMAGES, LABELS, 8, ASSIGNMENT);
      assertEquals(Set.of(Estimator.SCALED_INPUT_GATE), step.signals().keySet());
      var missing = assertThrows(IllegalStateException.class, () -> step.signal(Estimator.ATTENTION_GATE));
      assertTrue(missing.getMessage().contains("attention-gate"), missing.getMessage());
    }
    try (PromptedModel model = deep(Set.of(Estimator.LEAVE_ONE_OUT))) { // the key gate, fed, never differentiated
      assertEquals(List.of(false, false, true), GATES.stream().map(model::hasOperation).toList());
      assertEquals(Set.of(), model.score(IMAGES, LABELS, 8, ASSIGNMENT).signals().keySet());
      assertEquals(6, model.lossWithoutEachPrompt(IMAGES, LABELS, 8, ASSIGNMENT).length);
    }
  }

  @Test
  void withoutItsGatesAModelTrainsBitForBitAsOneMeasuringEverything() {
    try (PromptedModel bare = deep(Set.of()); PromptedModel all = deep(Set.of(Estimator.values()))) {
      for (int step = 0; step < 4; step++) {
        assertEquals(all.train(IMAGES, LABELS, 8, ASSIGNMENT, step).loss(),
            bare.train(IMAGES, LABELS, 8, ASSIGNMENT, step).loss(), 0f, "step " + step);
      }
      for (String name : all.stateNames()) {
        assertArrayEquals(all.read(name), bare.read(name), 0f, name);
      }
    }
  }

  @Test
  void shapesRefuseWhatTheirLayoutCannotMeasure() {
    var shallow = assertThrows(IllegalArgumentException.class,
        () -> new ModelShape(3, 4, PromptMode.SHALLOW, HeadInput.BACKBONE, Set.of(Estimator.ATTENTION_GATE)));
    assertTrue(shallow.getMessage().contains("attention-gate"), shallow.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new ModelShape(3, 4, PromptMode.DEEP, HeadInput.PIXELS, Set.of()));
  }

  @Test
  void aPixelsHeadReadsTheFlattenedImage() {
    int values = C.imageSize() * C.imageSize() * C.channels();
    try (PromptedModel model = PromptedModel.create(C, W, new ModelShape(3, 0, PromptMode.NONE, HeadInput.PIXELS,
        Set.of()), new PromptedModel.Hyper(0.05f, 0.9f, 0f, 0f, 0f, 1), 11)) {
      assertEquals(values, model.featureWidth());
      assertArrayEquals(java.util.Arrays.copyOf(IMAGES, 2 * values), model.features(IMAGES, 2), 0f);
      float[] kernel = model.read(PromptedModel.HEAD_KERNEL);
      float[] bias = model.read(PromptedModel.HEAD_BIAS);
      float[] logits = model.logits(IMAGES, 1, new int[0]);
      for (int k = 0; k < 3; k++) { // logits = x · kernel + bias
        double expected = bias[k];
        for (int i = 0; i < values; i++) {
          expected += (double) IMAGES[i] * kernel[i * 3 + k];
        }
        assertEquals(expected, logits[k], 1e-4, "class " + k);
      }
    }
  }
}
