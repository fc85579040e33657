package dev.provpt.data.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  @Test
  void dilationGrowsAPixelToItsNeighboursAndErosionShrinksABlockToItsCentre() {
    int size = 5;
    float[] dot = new float[size * size];
    dot[2 * size + 2] = 1f;
    float[] grown = Augmentation.morph(dot, size, true);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        float expected = Math.abs(x - 2) <= 1 && Math.abs(y - 2) <= 1 ? 1f : 0f;
        assertEquals(expected, grown[y * size + x], "(" + x + ", " + y + ")");
      }
    }
    assertArrayEquals(dot, Augmentation.morph(grown, size, false));
    // the border counts as black: a full image erodes to its inner 3 x 3
    float[] full = new float[size * size];
    Arrays.fill(full, 1f);
    assertArrayEquals(grown, Augmentation.morph(full, size, false));
  }

  @Test
  void theSameStreamGivesTheSameImageAndOtherStreamsChangeIt() {
    byte[] image = new byte[28 * 28];
    for (int i = 300; i < 500; i++) {
      image[i] = (byte) 200;
    }
    byte[] a = Augmentation.apply(image.clone(), 28, new SplittableRandom(11));
    byte[] b = Augmentation.apply(image.clone(), 28, new SplittableRandom(11));
    assertArrayEquals(a, b);
    int changed = 0;
    for (long seed = 0; seed < 20; seed++) {
      changed += Arrays.equals(image, Augmentation.apply(image.clone(), 28, new SplittableRandom(seed))) ? 0 : 1;
    }
    assertFalse(changed < 10, "only " + changed + " of 20 streams changed the image");
  }
}
