package dev.provpt.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The standard ViT family, from the shapes alone: every size and patch of the original release
 * and of timm, at 224 and 384 pixels, is recognised as itself (no tensor data needed).
 */
class ArchitectureInferenceTest {
  /** name, width, depth, heads, mlp */
  static final List<int[]> FAMILY = List.of(
      new int[] {192, 12, 3, 768},    // Ti
      new int[] {384, 12, 6, 1536},   // S
      new int[] {768, 12, 12, 3072},  // B
      new int[] {1024, 24, 16, 4096}, // L
      new int[] {1280, 32, 16, 5120}  // H
  );

  private static void roundTrip(CheckpointLayout layout, CheckpointLayout.SourceArch arch) {
    Map<String, long[]> shapes = new LinkedHashMap<>(layout.required(arch));
    shapes.putAll(layout.optional(arch));
    if (!arch.preLogits()) {
      shapes.keySet().removeIf(n -> n.startsWith("pre_logits"));
    }
    assertEquals(arch, layout.infer(shapes, 0), layout.describe() + " " + VitImporter.describe(arch));
  }

  @Test
  void theOriginalReleaseFamilyIsRecognised() {
    for (int[] f : FAMILY) {
      for (int patch : new int[] {14, 16, 32}) {
        for (int image : new int[] {224, 384}) {
          if (image % patch == 0) {
            roundTrip(new JaxLayout(),
                new CheckpointLayout.SourceArch(image, 3, patch, f[0], f[1], f[2], f[3], 21843, true));
          }
        }
      }
    }
  }

  @Test
  void theTimmFamilyIsRecognisedWithTheStandardHeadsOfItsWidth() {
    for (int[] f : FAMILY) {
      for (int patch : new int[] {14, 16, 32}) {
        if (224 % patch == 0) {
          roundTrip(new TimmLayout(), new CheckpointLayout.SourceArch(224, 3, patch, f[0], f[1], f[2], f[3], 1000,
              false));
        }
      }
    }
  }
}
