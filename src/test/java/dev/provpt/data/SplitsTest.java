package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {

    private static final ImageSet POOL = Shapes.generate(5, 150, "pool");
    private static final ImageSet TEST = Shapes.generate(6, 5, "test");

    @Test
    void oneKIsStratifiedDisjointAndPassesTestThrough() {
        Split split = Splits.oneK(POOL, TEST, 1);
        assertEquals(800, split.train().size());
        assertEquals(200, split.val().size());
        assertSame(TEST, split.test());
        assertArrayEquals(filled(10, 80), split.train().classCounts());
        assertArrayEquals(filled(10, 20), split.val().classCounts());

        Splits.Indices indices = Splits.stratifiedIndices(POOL, 800, 200, 1);
        Set<Integer> seen = new HashSet<>();
        for (int index : indices.train()) {
            assertTrue(seen.add(index), "train repeats index " + index);
        }
        for (int index : indices.val()) {
            assertTrue(seen.add(index), "val index " + index + " is also in train");
        }
        // the subsets hold exactly the pool images the indices name
        assertArrayEquals(POOL.subset(indices.train(), "t").pixels(), split.train().pixels());
    }

    @Test
    void sameSeedSameIndicesDifferentSeedDifferent() {
        Splits.Indices first = Splits.stratifiedIndices(POOL, 800, 200, 9);
        Splits.Indices again = Splits.stratifiedIndices(POOL, 800, 200, 9);
        Splits.Indices other = Splits.stratifiedIndices(POOL, 800, 200, 10);
        assertArrayEquals(first.train(), again.train());
        assertArrayEquals(first.val(), again.val());
        assertFalse(Arrays.equals(first.train(), other.train()));
        assertFalse(Arrays.equals(first.val(), other.val()));
    }

    @Test
    void unevenPoolFillsScarceClassesAndSpreadsTheRest() {
        // class 0 has only 3 images, so the other two classes share what it cannot give
        int[] labels = new int[3 + 20 + 20];
        Arrays.fill(labels, 3, 23, 1);
        Arrays.fill(labels, 23, labels.length, 2);
        ImageSet uneven = new ImageSet("uneven", 1, 1, 1, new float[labels.length], labels, 3, List.of("a", "b", "c"));
        Split split = Splits.stratified(uneven, 20, 10, uneven, 4);
        assertArrayEquals(new int[] {3, 9, 8}, split.train().classCounts());
        assertArrayEquals(new int[] {0, 5, 5}, split.val().classCounts());
    }

    @Test
    void remainderGoesToTheLowestLabels() {
        assertArrayEquals(new int[] {4, 4, 3}, Splits.balancedQuotas(new int[] {10, 10, 10}, 11));
        assertArrayEquals(new int[] {1, 5, 5}, Splits.balancedQuotas(new int[] {1, 10, 10}, 11));
    }

    @Test
    void tooSmallPoolIsAnError() {
        ImageSet small = Shapes.generate(1, 50, "small");
        DataException error = assertThrows(DataException.class, () -> Splits.oneK(small, TEST, 1));
        assertTrue(error.getMessage().contains("small"), error.getMessage());
        assertTrue(error.getMessage().contains("500"), error.getMessage());
        assertTrue(error.getMessage().contains("1000"), error.getMessage());
    }

    private static int[] filled(int length, int value) {
        int[] values = new int[length];
        Arrays.fill(values, value);
        return values;
    }
}
