package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class BatchIteratorTest {

    private static final ImageSet SET = Shapes.generate(8, 10, "set"); // 100 images
    private static final Normalization NONE = Normalization.of("none", 1);

    @Test
    void batchesPerEpochRoundsUp() {
        assertEquals(4, BatchIterator.batchesPerEpoch(100, 32));
        assertEquals(2, BatchIterator.batchesPerEpoch(64, 32));
        assertEquals(0, BatchIterator.batchesPerEpoch(0, 32));
    }

    @Test
    void shuffledEpochCoversEveryIndexOnceWithSmallerLastBatch() {
        List<Batch> batches = drain(BatchIterator.shuffled(SET, 32, NONE, 5, 0));
        assertEquals(BatchIterator.batchesPerEpoch(100, 32), batches.size());
        assertEquals(4, batches.get(3).size());
        int[] timesSeen = new int[SET.size()];
        for (Batch batch : batches) {
            assertEquals(batch.size(), batch.labels().length);
            assertEquals(batch.size() * SET.imageSize(), batch.images().length);
            for (int i = 0; i < batch.size(); i++) {
                int index = batch.indices()[i];
                timesSeen[index]++;
                assertEquals(SET.labels()[index], batch.labels()[i]);
            }
        }
        int[] once = new int[SET.size()];
        Arrays.fill(once, 1);
        assertArrayEquals(once, timesSeen);
    }

    @Test
    void epochOrderIsReproduciblePerSeedAndEpoch() {
        assertArrayEquals(BatchIterator.epochOrder(100, 5, 3), BatchIterator.epochOrder(100, 5, 3));
        assertFalse(Arrays.equals(BatchIterator.epochOrder(100, 5, 3), BatchIterator.epochOrder(100, 5, 4)));
        assertFalse(Arrays.equals(BatchIterator.epochOrder(100, 5, 3), BatchIterator.epochOrder(100, 6, 3)));
        int[] order = BatchIterator.epochOrder(100, 5, 3);
        assertArrayEquals(Arrays.copyOf(order, 32), drain(BatchIterator.shuffled(SET, 32, NONE, 5, 3)).get(0).indices());
    }

    @Test
    void sequentialKeepsStoredOrderAndNormalises() {
        Normalization fashion = Normalization.of("fashion-mnist", 1);
        Batch first = BatchIterator.sequential(SET, 10, fashion).next();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, first.indices());
        float raw = SET.pixels()[SET.imageSize() + 5]; // image 1, pixel 5
        assertEquals((raw - 0.2860f) / 0.3530f, first.images()[SET.imageSize() + 5], 1e-6);
        assertEquals(SET.pixels()[SET.imageSize() + 5], raw); // the source set is untouched
    }

    @Test
    void augmentedImagesDependOnlyOnSeedEpochAndIndexAndAreNormalisedAfterwards() {
        ImageSet noise = AugmentationTest.noise(10, 12, 12, 3, 4);
        Normalization imagenet = Normalization.of("imagenet", 3);
        List<Batch> bySeven = drain(BatchIterator.shuffled(noise, 7, imagenet, 9, 2, Augmentation.FGVC));
        List<Batch> byThree = drain(BatchIterator.shuffled(noise, 3, imagenet, 9, 2, Augmentation.FGVC));
        float[][] expected = new float[noise.size()][noise.imageSize()];
        for (int index = 0; index < noise.size(); index++) {
            noise.copyImage(index, expected[index], 0);
            Augmentation.FGVC.apply(expected[index], new int[] {index}, noise, 9, 2);
            imagenet.apply(expected[index], 0, noise.imageSize(), 3);
        }
        for (List<Batch> batches : List.of(bySeven, byThree)) {
            for (Batch batch : batches) {
                for (int i = 0; i < batch.size(); i++) {
                    float[] image = Arrays.copyOfRange(batch.images(), i * noise.imageSize(), (i + 1) * noise.imageSize());
                    assertArrayEquals(expected[batch.indices()[i]], image, "image " + batch.indices()[i]);
                }
            }
        }
        // without augmentation a shuffled batch holds the stored images
        Batch plain = BatchIterator.shuffled(noise, 10, Normalization.of("none", 3), 9, 2).next();
        float[] stored = new float[noise.imageSize()];
        noise.copyImage(plain.indices()[0], stored, 0);
        assertArrayEquals(stored, Arrays.copyOf(plain.images(), noise.imageSize()));
    }

    @Test
    void exhaustedIteratorThrows() {
        BatchIterator iterator = BatchIterator.sequential(SET, 100, NONE);
        iterator.next();
        assertFalse(iterator.hasNext());
        assertThrows(NoSuchElementException.class, iterator::next);
    }

    private static List<Batch> drain(BatchIterator iterator) {
        List<Batch> batches = new ArrayList<>();
        iterator.forEachRemaining(batches::add);
        return batches;
    }
}
