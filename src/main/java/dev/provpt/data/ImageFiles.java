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

  /** Reads {@code file} as a {@code size}×{@code size} image with {@code channels} (1: grey, 3: RGB). */
  public static float[] read(Path file, int size, int channels) {
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
    if (image.getWidth() != size || image.getHeight() != size) {
      BufferedImage resized = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = resized.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, size, size, null);
      g.dispose();
      image = resized;
    }
    float[] pixels = new float[size * size * channels];
    var raster = image.getRaster();
    boolean grey = raster.getNumBands() == 1;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int offset = (y * size + x) * channels;
        if (grey) {
          float v = raster.getSample(x, y, 0) / 255f;
          for (int c = 0; c < channels; c++) {
            pixels[offset + c] = v;
          }
        } else {
          int rgb = image.getRGB(x, y);
          float r = (rgb >> 16 & 0xff) / 255f;
          float gr = (rgb >> 8 & 0xff) / 255f;
          float b = (rgb & 0xff) / 255f;
          if (channels == 1) {
            pixels[offset] = 0.299f * r + 0.587f * gr + 0.114f * b;
          } else {
            pixels[offset] = r;
            pixels[offset + 1] = gr;
            pixels[offset + 2] = b;
          }
        }
      }
    }
    return pixels;
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
