package dev.provpt.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Image files (PNG, JPEG, BMP, GIF) as model input: decoded, resized, in [0, 1], HWC. */
public final class ImageFiles {
  private ImageFiles() {}

  /** Reads {@code file} as a {@code size}×{@code size} image with {@code channels} (1: grey, 3: RGB), in [0, 1]. */
  public static float[] read(Path file, int size, int channels) {
    byte[] bytes = readBytes(file, size, channels);
    float[] pixels = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      pixels[i] = (bytes[i] & 0xff) / 255f;
    }
    return pixels;
  }

  /** As {@link #read}, as 8-bit values (value × 255, HWC): a quarter of the memory. */
  public static byte[] readBytes(Path file, int size, int channels) {
    return toBytes(decode(file), size, channels);
  }

  /**
   * A decoded image as model input, {@code size}×{@code size}×{@code channels} 8-bit values (HWC): resized
   * bilinearly with Java2D when needed, grey copied into every channel for RGB, RGB reduced to luma for grey.
   * Every loader of encoded images (files, TFRecord shards) ends here, so the same image gives the same
   * pixels whichever way it was stored.
   */
  public static byte[] toBytes(BufferedImage decoded, int size, int channels) {
    BufferedImage image = resized(decoded, size);
    byte[] pixels = new byte[size * size * channels];
    var raster = image.getRaster();
    boolean grey = raster.getNumBands() == 1;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int offset = (y * size + x) * channels;
        if (grey) {
          byte v = (byte) raster.getSample(x, y, 0);
          for (int c = 0; c < channels; c++) {
            pixels[offset + c] = v;
          }
        } else {
          int rgb = image.getRGB(x, y);
          int r = rgb >> 16 & 0xff;
          int g = rgb >> 8 & 0xff;
          int b = rgb & 0xff;
          if (channels == 1) {
            pixels[offset] = (byte) Math.round(0.299f * r + 0.587f * g + 0.114f * b);
          } else {
            pixels[offset] = (byte) r;
            pixels[offset + 1] = (byte) g;
            pixels[offset + 2] = (byte) b;
          }
        }
      }
    }
    return pixels;
  }

  /** Decodes {@code file} with ImageIO. */
  private static BufferedImage decode(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file + ": image file not found");
    }
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new DataException(file + ": unreadable image (" + e.getMessage() + ")", e);
    }
    if (image == null) {
      throw new DataException(file + ": not an image provpt can decode (expected PNG, JPEG, BMP or GIF)");
    }
    return image;
  }

  /** {@code image} resized bilinearly to {@code size}×{@code size} when it is not that size already. */
  private static BufferedImage resized(BufferedImage image, int size) {
    if (image.getWidth() != size || image.getHeight() != size) {
      BufferedImage resized = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = resized.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, size, size, null);
      g.dispose();
      image = resized;
    }
    return image;
  }

  /** Writes a 1-channel image in [0, 1] as an 8-bit grey PNG (for tests and examples). */
  public static void writeGreyPng(Path file, float[] pixels, int size) throws IOException {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        image.getRaster().setSample(x, y, 0, Math.round(Math.max(0, Math.min(1, pixels[y * size + x])) * 255));
      }
    }
    ImageIO.write(image, "png", file.toFile());
  }
}
