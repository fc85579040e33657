package dev.provpt.data;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes the IDX format of MNIST and Fashion-MNIST: a big-endian int32 magic number
 * (0x00000800 | rank), rank big-endian int32 dimensions, then the unsigned bytes. Files may be gzipped;
 * that is detected from the gzip magic bytes, not the file name.
 */
public final class IdxFiles {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxFiles() {
    }

    /** One parsed file: its dimensions and the raw bytes, whose payload starts at {@code dataOffset}. */
    private record Idx(int[] dims, byte[] bytes, int dataOffset) {
    }

    /** Reads an image file (N x rows x cols) and a label file (N) into a one-channel set scaled to [0,1]. */
    public static ImageSet read(Path images, Path labels, int numClasses, List<String> classNames, String name) {
        Idx imageFile = parse(images, IMAGES_MAGIC, "IDX unsigned-byte images");
        Idx labelFile = parse(labels, LABELS_MAGIC, "IDX unsigned-byte labels");
        int count = imageFile.dims()[0];
        if (labelFile.dims()[0] != count) {
            throw new DataException(images + " holds " + count + " images but " + labels + " holds "
                    + labelFile.dims()[0] + " labels, expected one label per image");
        }
        int[] labelValues = new int[count];
        for (int i = 0; i < count; i++) {
            int label = labelFile.bytes()[labelFile.dataOffset() + i] & 0xff;
            if (label >= numClasses) {
                throw new DataException(labels + ": label " + label + " at index " + i
                        + " is out of range, expected 0.." + (numClasses - 1));
            }
            labelValues[i] = label;
        }
        int rows = imageFile.dims()[1];
        int cols = imageFile.dims()[2];
        float[] pixels = new float[count * rows * cols];
        byte[] bytes = imageFile.bytes();
        int offset = imageFile.dataOffset();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (bytes[offset + i] & 0xff) / 255f;
        }
        return new ImageSet(name, rows, cols, 1, pixels, labelValues, numClasses, classNames);
    }

    /** Writes a one-channel set as an IDX image file and label file, gzipped when a name ends in ".gz". */
    public static void write(Path images, Path labels, ImageSet set) {
        if (set.channels() != 1) {
            throw new DataException(images + ": IDX images hold one channel, but " + set.name()
                    + " has " + set.channels());
        }
        if (set.numClasses() > 256) {
            throw new DataException(labels + ": IDX labels are unsigned bytes, but " + set.name()
                    + " has " + set.numClasses() + " classes, expected at most 256");
        }
        float[] pixels = new float[set.size() * set.imageSize()];
        for (int i = 0; i < set.size(); i++) {
            set.copyImage(i, pixels, i * set.imageSize());
        }
        byte[] pixelBytes = new byte[pixels.length];
        for (int i = 0; i < pixelBytes.length; i++) {
            float clipped = Math.min(1f, Math.max(0f, pixels[i]));
            pixelBytes[i] = (byte) Math.round(clipped * 255f);
        }
        byte[] labelBytes = new byte[set.size()];
        for (int i = 0; i < labelBytes.length; i++) {
            labelBytes[i] = (byte) set.labels()[i];
        }
        writeFile(images, IMAGES_MAGIC, new int[] {set.size(), set.height(), set.width()}, pixelBytes);
        writeFile(labels, LABELS_MAGIC, new int[] {set.size()}, labelBytes);
    }

    private static Idx parse(Path file, int expectedMagic, String kind) {
        byte[] raw = readBytes(file);
        boolean gzipped = isGzip(raw);
        byte[] bytes = gzipped ? gunzip(file, raw) : raw;
        String after = gzipped ? " after decompression" : "";
        int rank = expectedMagic & 0xff;
        int headerBytes = 4 + 4 * rank;
        if (bytes.length < 4) {
            throw new DataException(file + ": truncated, found " + bytes.length
                    + " bytes, expected at least a " + headerBytes + "-byte header (" + kind + ")");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes); // big-endian by default, as IDX is
        int magic = header.getInt(0);
        if (magic != expectedMagic) {
            throw new DataException(String.format("%s: bad magic number 0x%08x, expected 0x%08x (%s)",
                    file, magic, expectedMagic, kind));
        }
        if (bytes.length < headerBytes) {
            throw new DataException(file + ": truncated header, expected " + headerBytes
                    + " bytes, found " + bytes.length);
        }
        int[] dims = new int[rank];
        long payloadBytes = 1;
        for (int d = 0; d < rank; d++) {
            dims[d] = header.getInt(4 + 4 * d);
            if (dims[d] < 0) {
                throw new DataException(file + ": dimension " + d + " is " + dims[d] + ", expected >= 0");
            }
            payloadBytes *= dims[d];
        }
        long expectedBytes = headerBytes + payloadBytes;
        if (bytes.length < expectedBytes) {
            throw new DataException(file + ": truncated, header promises " + describe(dims) + " so expected "
                    + expectedBytes + " bytes" + after + ", found " + bytes.length);
        }
        if (bytes.length > expectedBytes) {
            throw new DataException(file + ": " + (bytes.length - expectedBytes) + " unexpected trailing bytes, header promises "
                    + describe(dims) + " so expected " + expectedBytes + " bytes" + after + ", found " + bytes.length);
        }
        return new Idx(dims, bytes, headerBytes);
    }

    private static byte[] readBytes(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": file not found, expected an IDX file (plain or gzipped)");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e + ")", e);
        }
    }

    private static byte[] gunzip(Path file, byte[] compressed) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DataException(file + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        }
    }

    /** Gzip is recognised by its magic bytes 0x1f 0x8b, whatever the file is called. */
    private static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    private static String describe(int[] dims) {
        StringBuilder text = new StringBuilder();
        for (int dim : dims) {
            text.append(text.length() == 0 ? "" : "x").append(dim);
        }
        return text.append(" bytes of data").toString();
    }

    private static void writeFile(Path file, int magic, int[] dims, byte[] payload) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            OutputStream raw = Files.newOutputStream(file);
            if (file.toString().endsWith(".gz")) {
                raw = new GZIPOutputStream(raw, 1 << 16);
            }
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                out.writeInt(magic); // DataOutputStream writes big-endian, as IDX requires
                for (int dim : dims) {
                    out.writeInt(dim);
                }
                out.write(payload);
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot write (" + e + ")", e);
        }
    }
}
