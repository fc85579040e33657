package dev.provpt.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.model.Backbone;
import dev.provpt.model.FeatureExtractor;
import dev.provpt.model.Gelu;
import dev.provpt.model.ModelException;
import dev.provpt.model.VitWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports the committed tiny checkpoints and matches the features an independent NumPy
 * implementation computed for them ({@code tools/vit_fixtures.py}).
 */
class VitImportTest {
  static final double TOLERANCE = 1e-4;

  @TempDir
  Path tmp;

  private float[] featuresOf(VitImporter.Result imported, String inputs) throws Exception {
    Path dir = tmp.resolve("backbone-" + System.nanoTime());
    Backbone.export(dir, imported.config(), imported.weights());
    int[] shape = Checkpoints.npyShape(inputs);
    try (FeatureExtractor extractor = new FeatureExtractor(dir)) {
      return extractor.features(Checkpoints.npy(inputs), shape[0], 3);
    }
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length, "feature count");
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @Test
  void theOriginalReleaseLayoutMatchesNumPy() throws Exception {
    var imported = VitImporter.importFile(Checkpoints.JAX, VitImporter.Options.defaults());
    var c = imported.config();
    assertEquals(32, c.imageSize());
    assertEquals(8, c.patchSize());
    assertEquals(32, c.width());
    assertEquals(2, c.depth());
    assertEquals(4, c.heads());
    assertEquals(64, c.mlpDim());
    assertEquals(Gelu.TANH, c.gelu());
    assertEquals("inception", c.normalization());
    assertEquals(0, c.upstreamClasses(), "the 21k-style head sits on pre_logits and is not kept");
    double diff = maxAbsDiff(featuresOf(imported, "inputs.npy"), Checkpoints.npy("jax-tiny-features.npy"));
    assertTrue(diff < TOLERANCE, "max |Java - NumPy| = " + diff);
  }

  @Test
  void theTimmLayoutMatchesNumPy() throws Exception {
    var imported = VitImporter.importFile(Checkpoints.TIMM, new VitImporter.Options(0, 4, null, "imagenet"));
    assertEquals(Gelu.EXACT, imported.config().gelu());
    assertEquals(5, imported.config().upstreamClasses());
    double diff = maxAbsDiff(featuresOf(imported, "inputs.npy"), Checkpoints.npy("timm-tiny-features.npy"));
    assertTrue(diff < TOLERANCE, "max |Java - NumPy| = " + diff);
  }

  @Test
  void theWrongGeluIsCaughtByTheParityTolerance() throws Exception {
    // The two GELUs differ by ~5e-4 in these features: the tolerance can tell them apart.
    var imported = VitImporter.importFile(Checkpoints.JAX, new VitImporter.Options(0, 0, "exact", null));
    double diff = maxAbsDiff(featuresOf(imported, "inputs.npy"), Checkpoints.npy("jax-tiny-features.npy"));
    assertTrue(diff > TOLERANCE, "exact GELU on a tanh checkpoint still matched: " + diff);
  }

  @Test
  void anotherResolutionResizesThePositionEmbeddingAsPyTorchBicubic() throws Exception {
    var imported = VitImporter.importFile(Checkpoints.TIMM, new VitImporter.Options(48, 4, null, "imagenet"));
    assertEquals(48, imported.config().imageSize());
    float[] pos = imported.weights().get(VitWeights.POS_EMBED).values();
    double posDiff = maxAbsDiff(pos, Checkpoints.npy("timm-tiny-pos-embed-at-S2.npy"));
    assertTrue(posDiff < 1e-5, "resized pos_embed differs by " + posDiff);
    double diff = maxAbsDiff(featuresOf(imported, "inputs-large.npy"), Checkpoints.npy("timm-tiny-at-S2-features.npy"));
    assertTrue(diff < TOLERANCE, "max |Java - NumPy| at 48 px = " + diff);
    assertTrue(imported.notes().stream().anyMatch(n -> n.contains("4x4 to a 6x6")), imported.notes().toString());
  }

  @Test
  void resizingToTheSameGridIsTheIdentityAndConstantsStayConstant() {
    float[] pos = new float[(1 + 9) * 2];
    for (int i = 0; i < pos.length; i++) {
      pos[i] = (float) Math.sin(i);
    }
    assertArrayEquals(pos, PositionEmbeddings.resize(pos, 3, 3, 2), 1e-6f);
    float[] constant = new float[(1 + 16) * 3];
    java.util.Arrays.fill(constant, 0.25f);
    for (float v : PositionEmbeddings.resize(constant, 4, 7, 3)) {
      assertEquals(0.25f, v, 1e-6f);
    }
  }

  @Test
  void aCheckpointWithARenamedAMissingAndAMisshapedTensorNamesEach() throws Exception {
    String renamed = "Transformer/encoderblock_1/LayerNorm_2/scale";
    String missing = "Transformer/encoderblock_0/MlpBlock_3/Dense_1/bias";
    String misshaped = "Transformer/encoderblock_1/MultiHeadDotProductAttention_1/out/kernel";
    Map<String, Checkpoints.Tensor> tensors = new java.util.LinkedHashMap<>();
    Checkpoints.readAll(Checkpoints.JAX).forEach((name, t) -> {
      if (name.equals(renamed)) {
        tensors.put("Transformer/encoderblock_1/LayerNorm_2/gamma", t);
      } else if (name.equals(misshaped)) {
        tensors.put(name, new Checkpoints.Tensor(new long[] {32, 32}, t.values()));
      } else if (!name.equals(missing)) {
        tensors.put(name, t);
      }
    });
    Path broken = tmp.resolve("broken.npz");
    Checkpoints.writeNpz(broken, tensors);
    var e = assertThrows(ModelException.class, () -> VitImporter.importFile(broken, VitImporter.Options.defaults()));
    String m = e.getMessage();
    assertTrue(m.contains("missing tensor " + renamed), m);
    assertTrue(m.contains("unexpected tensor Transformer/encoderblock_1/LayerNorm_2/gamma"), m);
    assertTrue(m.contains("missing tensor " + missing), m);
    assertTrue(m.contains("tensor " + misshaped + " has shape [32, 32], expected [4, 8, 32]"), m);
    assertTrue(m.contains(broken.toString()), m);
  }

  @Test
  void theSameChecksHoldForTimmFiles() throws Exception {
    Map<String, Checkpoints.Tensor> tensors = new java.util.LinkedHashMap<>();
    Checkpoints.readAll(Checkpoints.TIMM).forEach((name, t) -> {
      if (name.equals("blocks.0.attn.proj.bias")) {
        tensors.put("blocks.0.attn.out.bias", t);
      } else if (name.equals("blocks.1.norm2.weight")) {
        tensors.put(name, new Checkpoints.Tensor(new long[] {4, 8}, t.values()));
      } else if (!name.equals("norm.bias")) {
        tensors.put(name, t);
      }
    });
    Path broken = tmp.resolve("broken.safetensors");
    Checkpoints.writeSafetensors(broken, tensors);
    var e = assertThrows(ModelException.class,
        () -> VitImporter.importFile(broken, new VitImporter.Options(0, 4, null, "imagenet")));
    String m = e.getMessage();
    assertTrue(m.contains("missing tensor blocks.0.attn.proj.bias"), m);
    assertTrue(m.contains("unexpected tensor blocks.0.attn.out.bias"), m);
    assertTrue(m.contains("missing tensor norm.bias"), m);
    assertTrue(m.contains("tensor blocks.1.norm2.weight has shape [4, 8], expected [32]"), m);
  }

  @Test
  void aGlobalPoolTimmModelIsRefusedWithTheReason() throws Exception {
    Map<String, Checkpoints.Tensor> tensors = new java.util.LinkedHashMap<>(Checkpoints.readAll(Checkpoints.TIMM));
    tensors.put("fc_norm.weight", new Checkpoints.Tensor(new long[] {32}, new float[32]));
    tensors.put("fc_norm.bias", new Checkpoints.Tensor(new long[] {32}, new float[32]));
    Path pooled = tmp.resolve("pooled.safetensors");
    Checkpoints.writeSafetensors(pooled, tensors);
    var e = assertThrows(ModelException.class,
        () -> VitImporter.importFile(pooled, new VitImporter.Options(0, 4, null, "imagenet")));
    assertTrue(e.getMessage().contains("unexpected tensor fc_norm.weight [32]"), e.getMessage());
    assertTrue(e.getMessage().contains("pools all tokens"), e.getMessage());
  }

  @Test
  void ourSafetensorsWriterAndTheFixtureAgreeSoTheEditedCopiesAreFaithful() throws Exception {
    Path copy = tmp.resolve("copy.safetensors");
    var original = Checkpoints.readAll(Checkpoints.TIMM);
    Checkpoints.writeSafetensors(copy, original);
    var reread = Checkpoints.readAll(copy);
    assertEquals(original.keySet(), reread.keySet());
    original.forEach((name, t) -> assertArrayEquals(t.values(), reread.get(name).values(), name));
  }

  @Test
  void timmFilesNeedHeadsWhenTheWidthIsNotStandardAndANormalisation() {
    var heads = assertThrows(ModelException.class,
        () -> VitImporter.importFile(Checkpoints.TIMM, VitImporter.Options.defaults()));
    assertTrue(heads.getMessage().contains("--heads"), heads.getMessage());
    var norm = assertThrows(ModelException.class,
        () -> VitImporter.importFile(Checkpoints.TIMM, new VitImporter.Options(0, 4, null, null)));
    assertTrue(norm.getMessage().contains("--normalization imagenet"), norm.getMessage());
  }

  @Test
  void corruptOrForeignFilesAreRefusedWithTheirName() throws Exception {
    Path truncated = tmp.resolve("truncated.safetensors");
    Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(Checkpoints.TIMM), 2000));
    var e = assertThrows(ModelException.class,
        () -> VitImporter.importFile(truncated, new VitImporter.Options(0, 4, null, "imagenet")));
    assertTrue(e.getMessage().contains(truncated.toString()), e.getMessage());
    Path text = tmp.resolve("notes.npz");
    Files.writeString(text, "not a zip");
    var z = assertThrows(ModelException.class, () -> VitImporter.importFile(text, VitImporter.Options.defaults()));
    assertTrue(z.getMessage().contains(text.toString()), z.getMessage());
    var ext = assertThrows(ModelException.class, () -> VitImporter.importFile(tmp.resolve("model.pth"),
        VitImporter.Options.defaults()));
    assertTrue(ext.getMessage().contains(".npz"), ext.getMessage());
  }

  @Test
  void bfloat16CheckpointsImportAsTheirTruncatedValues() throws Exception {
    var original = Checkpoints.readAll(Checkpoints.TIMM);
    Path bf16 = tmp.resolve("bf16.safetensors");
    Checkpoints.writeSafetensors(bf16, original, true);
    var reread = Checkpoints.readAll(bf16);
    original.forEach((name, t) -> {
      float[] back = reread.get(name).values();
      for (int i = 0; i < back.length; i++) {
        float truncated = Float.intBitsToFloat(Float.floatToRawIntBits(t.values()[i]) & 0xffff0000);
        assertEquals(truncated, back[i], name + "[" + i + "]");
      }
    });
    var imported = VitImporter.importFile(bf16, new VitImporter.Options(0, 4, null, "imagenet"));
    // bfloat16 keeps 8 bits of mantissa: the features move, but stay close to the float32 ones
    double diff = maxAbsDiff(featuresOf(imported, "inputs.npy"), Checkpoints.npy("timm-tiny-features.npy"));
    assertTrue(diff > 0 && diff < 0.1, "bfloat16 features differ by " + diff);
  }

  @Test
  void halfAndBfloat16ValuesDecode() {
    assertEquals(1f, SafetensorsCheckpoint.halfToFloat((short) 0x3c00));
    assertEquals(-2f, SafetensorsCheckpoint.halfToFloat((short) 0xc000));
    assertEquals(65504f, SafetensorsCheckpoint.halfToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, SafetensorsCheckpoint.halfToFloat((short) 0x0001));
    assertEquals(Float.POSITIVE_INFINITY, SafetensorsCheckpoint.halfToFloat((short) 0x7c00));
    assertTrue(Float.isNaN(SafetensorsCheckpoint.halfToFloat((short) 0x7e00)));
    assertFalse(Float.isNaN(SafetensorsCheckpoint.halfToFloat((short) 0x3555)));
  }
}
