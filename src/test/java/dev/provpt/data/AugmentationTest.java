package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final ImageSet NOISE = noise(12, 16, 20, 3, 7);

    @Test
    void keysParseAndAnUnknownOneListsTheValidOnes() {
        assertEquals(List.of("none", "fgvc"), Augmentation.keys());
        assertEquals(Augmentation.FGVC, Augmentation.of("fgvc"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Augmentation.of("autoaugment"));
        assertTrue(error.getMessage().contains("'autoaugment'") && error.getMessage().contains("[none, fgvc]"),
                error.getMessage());
    }

    @Test
    void noneLeavesTheImagesAlone() {
        float[] images = batchOf(NOISE, 0, 1, 2);
        Augmentation.NONE.apply(images, new int[] {0, 1, 2}, NOISE, 1, 0);
        assertArrayEquals(batchOf(NOISE, 0, 1, 2), images);
    }

    @Test
    void anImageDependsOnlyOnSeedEpochAndIndexNotOnItsBatch() {
        float[] alone = batchOf(NOISE, 5);
        Augmentation.FGVC.apply(alone, new int[] {5}, NOISE, 42, 3);
        float[] amongOthers = batchOf(NOISE, 3, 8, 5);
        Augmentation.FGVC.apply(amongOthers, new int[] {3, 8, 5}, NOISE, 42, 3);
        int imageSize = NOISE.imageSize();
        assertArrayEquals(alone, Arrays.copyOfRange(amongOthers, 2 * imageSize, 3 * imageSize));
        float[] again = batchOf(NOISE, 5);
        Augmentation.FGVC.apply(again, new int[] {5}, NOISE, 42, 3);
        assertArrayEquals(alone, again);
    }

    @Test
    void otherEpochsAndSeedsGiveOtherImages() {
        int[] indices = {0, 1, 2, 3, 4, 5, 6, 7};
        float[] epoch3 = batchOf(NOISE, indices);
        Augmentation.FGVC.apply(epoch3, indices, NOISE, 42, 3);
        float[] epoch4 = batchOf(NOISE, indices);
        Augmentation.FGVC.apply(epoch4, indices, NOISE, 42, 4);
        float[] otherSeed = batchOf(NOISE, indices);
        Augmentation.FGVC.apply(otherSeed, indices, NOISE, 43, 3);
        int imageSize = NOISE.imageSize();
        for (int i = 0; i < indices.length; i++) {
            float[] a = Arrays.copyOfRange(epoch3, i * imageSize, (i + 1) * imageSize);
            assertFalse(Arrays.equals(a, Arrays.copyOfRange(epoch4, i * imageSize, (i + 1) * imageSize)), "image " + i);
            assertFalse(Arrays.equals(a, Arrays.copyOfRange(otherSeed, i * imageSize, (i + 1) * imageSize)), "image " + i);
        }
    }

    @Test
    void aFlipOfTheWholeImageIsAnExactMirror() {
        int height = NOISE.height();
        int width = NOISE.width();
        int channels = NOISE.channels();
        float[] source = batchOf(NOISE, 4);
        float[] flipped = new float[source.length];
        RandomResizedCrop.cropResizeFlip(source, 0, height, width, channels, RandomResizedCrop.Box.whole(height, width),
                true, flipped, 0);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    assertEquals(source[(y * width + width - 1 - x) * channels + c], flipped[(y * width + x) * channels + c],
                            "pixel (" + y + ", " + x + ") channel " + c);
                }
            }
        }
    }

    @Test
    void aFlippedCropIsTheMirrorOfTheUnflippedOne() {
        int height = NOISE.height();
        int width = NOISE.width();
        float[] source = batchOf(NOISE, 9);
        SplittableRandom random = new SplittableRandom(3);
        for (int draw = 0; draw < 20; draw++) {
            RandomResizedCrop.Box box = RandomResizedCrop.draw(height, width, random);
            float[] plain = new float[source.length];
            float[] flipped = new float[source.length];
            RandomResizedCrop.cropResizeFlip(source, 0, height, width, 3, box, false, plain, 0);
            RandomResizedCrop.cropResizeFlip(source, 0, height, width, 3, box, true, flipped, 0);
            assertArrayEquals(mirror(plain, height, width, 3), flipped, box.toString());
        }
    }

    @Test
    void resizingAWholeImageCropIsTheIdentity() {
        for (ImageSet set : List.of(NOISE, noise(1, 28, 28, 1, 2), noise(1, 9, 31, 3, 3))) {
            float[] source = batchOf(set, 0);
            float[] resized = new float[source.length];
            RandomResizedCrop.cropResizeFlip(source, 0, set.height(), set.width(), set.channels(),
                    RandomResizedCrop.Box.whole(set.height(), set.width()), false, resized, 0);
            assertArrayEquals(source, resized, set.toString());
        }
    }

    @Test
    void upsamplingUsesHalfPixelCentresLikeTorch() {
        // F.interpolate([[0, 1], [2, 3]], size=4, mode="bilinear", align_corners=False)
        float[] image = new float[16];
        image[0] = 0;
        image[1] = 1;
        image[4] = 2;
        image[5] = 3;
        float[] resized = new float[16];
        RandomResizedCrop.cropResizeFlip(image, 0, 4, 4, 1, new RandomResizedCrop.Box(0, 0, 2, 2), false, resized, 0);
        assertArrayEquals(new float[] {
            0.0f, 0.25f, 0.75f, 1.0f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2.0f, 2.25f, 2.75f, 3.0f}, resized, 1e-6f);
    }

    @Test
    void aCropOfAConstantImageStaysConstant() {
        float value = 0.3719f;
        float[] pixels = new float[6 * 24 * 24 * 3];
        Arrays.fill(pixels, value);
        ImageSet constant = new ImageSet("grey", 24, 24, 3, pixels, new int[6], 1, List.of("grey"));
        int[] indices = {0, 1, 2, 3, 4, 5};
        for (int epoch = 0; epoch < 5; epoch++) {
            float[] images = batchOf(constant, indices);
            Augmentation.FGVC.apply(images, indices, constant, 11, epoch);
            for (int i = 0; i < images.length; i++) {
                assertEquals(value, images[i], "epoch " + epoch + ", float " + i);
            }
        }
        assertEquals(value, pixels[0]); // the source set is untouched
    }

    @Test
    void boxesStayInsideTheImageWithinTorchvisionsScaleAndRatio() {
        int[][] sizes = {{224, 224}, {28, 28}, {20, 50}, {60, 17}};
        for (int[] size : sizes) {
            int height = size[0];
            int width = size[1];
            double area = (double) height * width;
            SplittableRandom random = new SplittableRandom(size[0] * 1000L + size[1]);
            double smallest = 1;
            double largest = 0;
            for (int draw = 0; draw < 5000; draw++) {
                RandomResizedCrop.Box box = RandomResizedCrop.draw(height, width, random);
                String what = height + "x" + width + " image, " + box;
                assertTrue(box.top() >= 0 && box.left() >= 0 && box.height() >= 1 && box.width() >= 1
                        && box.top() + box.height() <= height && box.left() + box.width() <= width, what);
                // sides are rounded to whole pixels, so each may be off by half a pixel from the exact draw
                double h = box.height();
                double w = box.width();
                assertTrue((h - 0.5) * (w - 0.5) <= RandomResizedCrop.MAX_SCALE * area
                        && (h + 0.5) * (w + 0.5) >= RandomResizedCrop.MIN_SCALE * area, what + ": area out of bounds");
                assertTrue((w - 0.5) / (h + 0.5) <= RandomResizedCrop.MAX_RATIO
                        && (w + 0.5) / (h - 0.5) >= RandomResizedCrop.MIN_RATIO, what + ": ratio out of bounds");
                smallest = Math.min(smallest, h * w / area);
                largest = Math.max(largest, h * w / area);
            }
            // the draws span the range rather than sitting at one scale; on an elongated image the ratio
            // bound caps the area at about the central crop's
            RandomResizedCrop.Box central = RandomResizedCrop.centralCrop(height, width);
            double reachable = central.height() * central.width() / area;
            assertTrue(smallest < 0.12 && largest > 0.85 * reachable,
                    height + "x" + width + ": scales " + smallest + ".." + largest + ", reachable " + reachable);
        }
    }

    @Test
    void afterTenMissesTheCropIsCentralWithTheRatioClamped() {
        assertEquals(new RandomResizedCrop.Box(0, 43, 10, 13), RandomResizedCrop.centralCrop(10, 100));
        assertEquals(new RandomResizedCrop.Box(43, 0, 13, 10), RandomResizedCrop.centralCrop(100, 10));
        assertEquals(RandomResizedCrop.Box.whole(30, 36), RandomResizedCrop.centralCrop(30, 36));
        // a 1x100 strip: no draw fits in its single row, so every box is the central fallback
        SplittableRandom random = new SplittableRandom(1);
        for (int draw = 0; draw < 100; draw++) {
            assertEquals(RandomResizedCrop.centralCrop(1, 100), RandomResizedCrop.draw(1, 100, random));
        }
    }

    @Test
    void aBoxOutsideTheImageIsRefused() {
        float[] image = new float[4 * 4];
        var error = assertThrows(IllegalArgumentException.class, () -> RandomResizedCrop.cropResizeFlip(image, 0, 4, 4, 1,
                new RandomResizedCrop.Box(2, 0, 3, 4), false, new float[16], 0));
        assertTrue(error.getMessage().contains("not inside the 4x4 image"), error.getMessage());
    }

    static ImageSet noise(int count, int height, int width, int channels, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[count * height * width * channels];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        return new ImageSet("noise", height, width, channels, pixels, new int[count], 1, List.of("noise"));
    }

    private static float[] batchOf(ImageSet set, int... indices) {
        float[] images = new float[indices.length * set.imageSize()];
        for (int i = 0; i < indices.length; i++) {
            set.copyImage(indices[i], images, i * set.imageSize());
        }
        return images;
    }

    private static float[] mirror(float[] image, int height, int width, int channels) {
        float[] mirrored = new float[image.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(image, (y * width + x) * channels, mirrored, (y * width + width - 1 - x) * channels, channels);
            }
        }
        return mirrored;
    }
}
