package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NormalizationTest {

    @Test
    void namedStatistics() {
        Normalization fashion = Normalization.of("fashion-mnist", 1);
        assertArrayEquals(new float[] {0.2860f}, fashion.mean());
        assertArrayEquals(new float[] {0.3530f}, fashion.std());
        Normalization imagenet = Normalization.of("imagenet", 3);
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, imagenet.mean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, imagenet.std());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, Normalization.of("inception", 3).std());
        assertArrayEquals(new float[] {0f}, Normalization.of("none", 1).mean());
        assertArrayEquals(new float[] {1f}, Normalization.of("none", 1).std());
    }

    @Test
    void oneChannelSpecRepeatsForThreeChannels() {
        Normalization fashion = Normalization.of("fashion-mnist", 3);
        assertArrayEquals(new float[] {0.2860f, 0.2860f, 0.2860f}, fashion.mean());
        assertArrayEquals(new float[] {0.3530f, 0.3530f, 0.3530f}, fashion.std());
    }

    @Test
    void unknownSpecListsTheValidOnes() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Normalization.of("imagenet21k", 3));
        for (String spec : Normalization.SPECS) {
            assertTrue(error.getMessage().contains(spec), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Normalization.of("imagenet", 1));
    }

    @Test
    void applyNormalisesEachChannelInPlaceWithinTheRange() {
        float[] nhwc = {9f, 0.485f, 0.456f, 0.406f, 1f, 1f, 1f, 9f};
        Normalization.of("imagenet", 3).apply(nhwc, 1, 6, 3);
        assertEquals(9f, nhwc[0]);
        assertEquals(0f, nhwc[1]);
        assertEquals(0f, nhwc[2]);
        assertEquals(0f, nhwc[3]);
        assertEquals((1f - 0.485f) / 0.229f, nhwc[4], 1e-6);
        assertEquals((1f - 0.456f) / 0.224f, nhwc[5], 1e-6);
        assertEquals((1f - 0.406f) / 0.225f, nhwc[6], 1e-6);
        assertEquals(9f, nhwc[7]);
    }

    @Test
    void applyRejectsMismatchedChannels() {
        assertThrows(IllegalArgumentException.class, () -> Normalization.of("imagenet", 3).apply(new float[4], 0, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> Normalization.of("imagenet", 3).apply(new float[4], 0, 4, 3));
    }
}
