package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageSetTest {

    /** n 1x2x2 images; image i holds the values 10i .. 10i+3, label i % 2. */
    private static ImageSet numbered(String name, int n) {
        float[] pixels = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                pixels[i * 4 + k] = 10 * i + k;
            }
            labels[i] = i % 2;
        }
        return new ImageSet(name, 1, 2, 2, pixels, labels, 2, List.of("even", "odd"));
    }

    @Test
    void labelOutOfRangeNamesSetIndexLabelAndRange() {
        DataException error = assertThrows(DataException.class, () -> new ImageSet(
                "toy", 1, 1, 1, new float[3], new int[] {0, 1, 5}, 2, List.of("a", "b")));
        String message = error.getMessage();
        assertTrue(message.contains("toy"), message);
        assertTrue(message.contains("label 5 at index 2"), message);
        assertTrue(message.contains("0..1"), message);
    }

    @Test
    void pixelCountMustMatchShape() {
        DataException error = assertThrows(DataException.class, () -> new ImageSet(
                "toy", 2, 2, 1, new float[7], new int[] {0, 1}, 2, List.of("a", "b")));
        assertTrue(error.getMessage().contains("expected 8"), error.getMessage());
    }

    @Test
    void classNamesMustMatchClassCount() {
        assertThrows(DataException.class, () -> new ImageSet(
                "toy", 1, 1, 1, new float[1], new int[] {0}, 3, List.of("a", "b")));
    }

    @Test
    void subsetCopiesImagesInTheGivenOrder() {
        ImageSet subset = numbered("n", 5).subset(new int[] {3, 0, 3}, "picked");
        assertEquals("picked", subset.name());
        assertEquals(3, subset.size());
        assertArrayEquals(new int[] {1, 0, 1}, subset.labels());
        assertArrayEquals(new float[] {30, 31, 32, 33, 0, 1, 2, 3, 30, 31, 32, 33}, subset.pixels());
        assertThrows(DataException.class, () -> numbered("n", 5).subset(new int[] {5}, "bad"));
    }

    @Test
    void concatAppendsAndRequiresSameShape() {
        ImageSet joined = numbered("a", 2).concat(numbered("b", 1), "ab");
        assertEquals(3, joined.size());
        assertArrayEquals(new int[] {0, 1, 0}, joined.labels());
        assertArrayEquals(new float[] {0, 1, 2, 3, 10, 11, 12, 13, 0, 1, 2, 3}, joined.pixels());

        ImageSet otherShape = new ImageSet("flat", 4, 1, 1, new float[4], new int[] {0}, 2, List.of("even", "odd"));
        DataException error = assertThrows(DataException.class, () -> numbered("a", 2).concat(otherShape, "x"));
        assertTrue(error.getMessage().contains("flat"), error.getMessage());
    }

    @Test
    void copyImageWritesAtTheOffset() {
        float[] dst = new float[6];
        numbered("n", 3).copyImage(2, dst, 1);
        assertArrayEquals(new float[] {0, 20, 21, 22, 23, 0}, dst);
    }

    @Test
    void classCountsCountLabels() {
        assertArrayEquals(new int[] {3, 2}, numbered("n", 5).classCounts());
    }

    /** n 1x2x2 8-bit images; image i holds the bytes 50i .. 50i+3, label i % 2. */
    private static ImageSet numberedBytes(String name, int n) {
        byte[][] images = new byte[n][4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 4; k++) {
                images[i][k] = (byte) (50 * i + k);
            }
            labels[i] = i % 2;
        }
        return ImageSet.ofBytes(name, 1, 2, 2, images, labels, 2, List.of("even", "odd"));
    }

    @Test
    void eightBitImagesReadAsValueOver255() {
        ImageSet set = numberedBytes("b", 6); // image 5 holds 250..253: above 127, so unsigned matters
        float[] dst = new float[4];
        set.copyImage(5, dst, 0);
        assertArrayEquals(new float[] {250 / 255f, 251 / 255f, 252 / 255f, 253 / 255f}, dst);
        ImageSet picked = set.subset(new int[] {5, 0}, "picked").concat(set.subset(new int[] {1}, "one"), "all");
        assertEquals(3, picked.size());
        assertArrayEquals(new int[] {1, 0, 1}, picked.labels());
        picked.copyImage(2, dst, 0);
        assertArrayEquals(new float[] {50 / 255f, 51 / 255f, 52 / 255f, 53 / 255f}, dst);
        assertTrue(picked.pixels() == null && picked.bytePixels().length == 3);
    }

    @Test
    void eightBitImagesAreCheckedAndNotMixedWithFloats() {
        DataException size = assertThrows(DataException.class, () -> ImageSet.ofBytes("short", 1, 2, 2,
                new byte[][] {new byte[4], new byte[3]}, new int[] {0, 1}, 2, List.of("a", "b")));
        assertTrue(size.getMessage().contains("image 1 holds 3 values, expected 4"), size.getMessage());
        assertThrows(DataException.class, () -> numberedBytes("b", 2).concat(numbered("f", 2), "mixed"));
        assertThrows(IllegalArgumentException.class, () -> new ImageSet("both", 1, 2, 2, new float[4],
                new byte[][] {new byte[4]}, new int[] {0}, 2, List.of("a", "b")));
    }
}
