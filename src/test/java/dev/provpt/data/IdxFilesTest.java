package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

    private static final List<String> THREE_CLASSES = List.of("a", "b", "c");

    @TempDir
    Path dir;

    /** Five 2x3 images whose pixels are exact multiples of 1/255, so the round trip is lossless. */
    private static ImageSet sample() {
        float[] pixels = new float[5 * 2 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i * 37 % 256) / 255f;
        }
        return new ImageSet("sample", 2, 3, 1, pixels, new int[] {0, 2, 1, 1, 0}, 3, THREE_CLASSES);
    }

    private ImageSet roundTrip(String imagesName, String labelsName) {
        ImageSet original = sample();
        Path images = dir.resolve(imagesName);
        Path labels = dir.resolve(labelsName);
        IdxFiles.write(images, labels, original);
        return IdxFiles.read(images, labels, 3, THREE_CLASSES, "copy");
    }

    @Test
    void plainRoundTripKeepsPixelsLabelsAndShape() {
        ImageSet copy = roundTrip("images.idx", "labels.idx");
        assertEquals(2, copy.height());
        assertEquals(3, copy.width());
        assertEquals(1, copy.channels());
        assertArrayEquals(sample().pixels(), copy.pixels());
        assertArrayEquals(sample().labels(), copy.labels());
        assertEquals("copy", copy.name());
    }

    @Test
    void gzipRoundTripKeepsPixelsAndWritesGzip() throws IOException {
        ImageSet copy = roundTrip("images.gz", "labels.gz");
        assertArrayEquals(sample().pixels(), copy.pixels());
        assertArrayEquals(sample().labels(), copy.labels());
        byte[] head = Files.readAllBytes(dir.resolve("images.gz"));
        assertEquals(0x1f, head[0] & 0xff);
        assertEquals(0x8b, head[1] & 0xff);
    }

    @Test
    void gzipIsDetectedByContentNotName() throws IOException {
        IdxFiles.write(dir.resolve("images.gz"), dir.resolve("labels.gz"), sample());
        Path gzipNamedPlain = Files.move(dir.resolve("images.gz"), dir.resolve("images.bin"));
        IdxFiles.write(dir.resolve("plain-images"), dir.resolve("plain-labels"), sample());
        Path plainNamedGz = Files.move(dir.resolve("plain-labels"), dir.resolve("plain-labels.gz"));
        ImageSet copy = IdxFiles.read(gzipNamedPlain, plainNamedGz, 3, THREE_CLASSES, "mixed");
        assertArrayEquals(sample().pixels(), copy.pixels());
        assertArrayEquals(sample().labels(), copy.labels());
    }

    @Test
    void writeRoundsAndClipsPixels() {
        float[] pixels = {-0.5f, 0.5f, 1.7f, 0.2f};
        ImageSet set = new ImageSet("odd", 2, 2, 1, pixels, new int[] {0}, 3, THREE_CLASSES);
        IdxFiles.write(dir.resolve("i"), dir.resolve("l"), set);
        float[] read = IdxFiles.read(dir.resolve("i"), dir.resolve("l"), 3, THREE_CLASSES, "odd").pixels();
        assertArrayEquals(new float[] {0f, 128 / 255f, 1f, 51 / 255f}, read);
    }

    @Test
    void wrongMagicNamesFileAndBothMagics() throws IOException {
        IdxFiles.write(dir.resolve("images"), dir.resolve("labels"), sample());
        // a label file where an image file is expected
        DataException error = assertThrows(DataException.class,
                () -> IdxFiles.read(dir.resolve("labels"), dir.resolve("labels"), 3, THREE_CLASSES, "x"));
        assertTrue(error.getMessage().contains(dir.resolve("labels").toString()), error.getMessage());
        assertTrue(error.getMessage().contains("0x00000801"), error.getMessage());
        assertTrue(error.getMessage().contains("0x00000803"), error.getMessage());
    }

    @Test
    void truncatedFileNamesFileExpectedAndFound() throws IOException {
        IdxFiles.write(dir.resolve("images"), dir.resolve("labels"), sample());
        Path images = dir.resolve("images");
        byte[] whole = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(whole, whole.length - 4));
        DataException error = assertThrows(DataException.class,
                () -> IdxFiles.read(images, dir.resolve("labels"), 3, THREE_CLASSES, "x"));
        String message = error.getMessage();
        assertTrue(message.contains(images.toString()), message);
        assertTrue(message.contains("expected " + whole.length + " bytes"), message);
        assertTrue(message.contains("found " + (whole.length - 4)), message);
    }

    @Test
    void truncatedGzipIsReportedAgainstTheFile() throws IOException {
        IdxFiles.write(dir.resolve("images.gz"), dir.resolve("labels.gz"), sample());
        Path images = dir.resolve("images.gz");
        byte[] whole = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(whole, whole.length / 2));
        DataException error = assertThrows(DataException.class,
                () -> IdxFiles.read(images, dir.resolve("labels.gz"), 3, THREE_CLASSES, "x"));
        assertTrue(error.getMessage().startsWith(images.toString()), error.getMessage());
    }

    @Test
    void countMismatchNamesBothFilesAndCounts() {
        ImageSet five = sample();
        ImageSet four = five.subset(new int[] {0, 1, 2, 3}, "four");
        IdxFiles.write(dir.resolve("images"), dir.resolve("unused"), five);
        IdxFiles.write(dir.resolve("unused2"), dir.resolve("labels"), four);
        DataException error = assertThrows(DataException.class,
                () -> IdxFiles.read(dir.resolve("images"), dir.resolve("labels"), 3, THREE_CLASSES, "x"));
        String message = error.getMessage();
        assertTrue(message.contains(dir.resolve("images") + " holds 5 images"), message);
        assertTrue(message.contains(dir.resolve("labels") + " holds 4 labels"), message);
    }

    @Test
    void labelOutOfRangeNamesFileIndexAndRange() {
        IdxFiles.write(dir.resolve("images"), dir.resolve("labels"), sample());
        DataException error = assertThrows(DataException.class,
                () -> IdxFiles.read(dir.resolve("images"), dir.resolve("labels"), 2, List.of("a", "b"), "x"));
        String message = error.getMessage();
        assertTrue(message.contains(dir.resolve("labels").toString()), message);
        assertTrue(message.contains("label 2 at index 1"), message);
        assertTrue(message.contains("0..1"), message);
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.gz");
        DataException error = assertThrows(DataException.class,
                () -> IdxFiles.read(missing, missing, 3, THREE_CLASSES, "x"));
        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("not found"), error.getMessage());
    }

    @Test
    void headerDimensionsDecideTheShape() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16 + 2 * 4 * 1);
        header.putInt(0x00000803).putInt(2).putInt(4).putInt(1);
        Files.write(dir.resolve("tall"), header.array());
        ByteBuffer labels = ByteBuffer.allocate(8 + 2);
        labels.putInt(0x00000801).putInt(2).put((byte) 1).put((byte) 0);
        Files.write(dir.resolve("tall-labels"), labels.array());
        ImageSet tall = IdxFiles.read(dir.resolve("tall"), dir.resolve("tall-labels"), 3, THREE_CLASSES, "tall");
        assertEquals(4, tall.height());
        assertEquals(1, tall.width());
        assertArrayEquals(new int[] {1, 0}, tall.labels());
    }
}
