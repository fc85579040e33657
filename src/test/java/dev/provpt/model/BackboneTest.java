package dev.provpt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.method.PromptMode;
import dev.provpt.tf.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;

class BackboneTest {
  private static final VitConfig C = TinyModels.CONFIG;

  @TempDir
  Path tmp;

  @Test
  void savedModelRoundTripGivesIdenticalWeightsAndLogits() throws IOException {
    VitWeights weights = TinyModels.weights(C, 7);
    Path dir = tmp.resolve("tiny");
    Backbone.export(dir, C, weights);
    Backbone loaded = Backbone.load(dir);
    assertEquals(C, loaded.config());
    for (String name : weights.names()) {
      assertArrayEquals(weights.get(name).values(), loaded.weights().get(name).values(), 0f, name);
    }
    float[] images = TinyModels.images(C, 4, 1);
    int[] assignment = {0, 2, 1};
    var hyper = new PromptedModel.Hyper(0.1f, 0.9f, 0f, 1f, 0f);
    try (PromptedModel fromMemory = PromptedModel.create(C, weights, 3, 3, PromptMode.DEEP, hyper, 5);
         PromptedModel fromDisk = PromptedModel.create(C, loaded.weights(), 3, 3, PromptMode.DEEP, hyper, 5)) {
      assertArrayEquals(fromMemory.logits(images, 4, assignment), fromDisk.logits(images, 4, assignment), 0f);
    }
    // The SavedModel's own signatures compute the same features and upstream logits in a fresh graph.
    try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
         PromptedModel plain = PromptedModel.create(C, loaded.weights(), 3, 0, PromptMode.NONE, hyper, 5);
         Tensor x = Tensors.floats(images, 4, 8, 8, 1);
         Result r = bundle.function("serving_default").call(Map.of("images", x))) {
      plain.write(PromptedModel.HEAD_KERNEL, weights.get(VitWeights.UPSTREAM_HEAD_KERNEL).values());
      plain.write(PromptedModel.HEAD_BIAS, weights.get(VitWeights.UPSTREAM_HEAD_BIAS).values());
      assertArrayEquals(plain.logits(images, 4, null), Tensors.toFloats(r.get("logits").orElseThrow()), 1e-5f);
    }
  }

  @Test
  void missingDirectoryNamesTheDirectory() {
    var e = assertThrows(ModelException.class, () -> Backbone.load(tmp.resolve("nowhere")));
    assertTrue(e.getMessage().contains("nowhere") && e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void corruptSavedModelNamesTheFile() throws IOException {
    Path dir = tmp.resolve("corrupt");
    Backbone.export(dir, C, TinyModels.weights(C, 7));
    Files.write(dir.resolve("saved_model.pb"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    var e = assertThrows(ModelException.class, () -> Backbone.load(dir));
    assertTrue(e.getMessage().contains(dir.resolve("saved_model.pb").toString())
        && e.getMessage().contains("cannot be loaded"), e.getMessage());
  }

  @Test
  void missingSavedModelFileIsNamed() throws IOException {
    Path dir = tmp.resolve("empty");
    Files.createDirectories(dir);
    var e = assertThrows(ModelException.class, () -> Backbone.load(dir));
    assertTrue(e.getMessage().contains("saved_model.pb") && e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void modelConfThatDisagreesWithTheGraphIsRefused() throws IOException {
    Path dir = tmp.resolve("mismatch");
    Backbone.export(dir, C, TinyModels.weights(C, 7));
    // claim a wider, deeper model than the graph holds
    String conf = Files.readString(dir.resolve("model.conf")).replace("width = 8", "width = 16")
        .replace("depth = 3", "depth = 4");
    Files.writeString(dir.resolve("model.conf"), conf);
    var e = assertThrows(ModelException.class, () -> Backbone.load(dir));
    String m = e.getMessage();
    assertTrue(m.contains("does not match its model.conf"), m);
    assertTrue(m.contains("missing tensor blocks.3.attn.qkv.kernel"), m);
    assertTrue(m.contains("tensor cls_token has shape [8], model.conf implies [16]"), m);
  }

  @Test
  void malformedModelConfIsNamed() throws IOException {
    Path dir = tmp.resolve("badconf");
    Backbone.export(dir, C, TinyModels.weights(C, 7));
    Files.writeString(dir.resolve("model.conf"),
        Files.readString(dir.resolve("model.conf")).replace("width = 8", "width = lots"));
    var e = assertThrows(ModelException.class, () -> Backbone.load(dir));
    assertTrue(e.getMessage().contains("model.conf") && e.getMessage().contains("width"), e.getMessage());
  }
}
