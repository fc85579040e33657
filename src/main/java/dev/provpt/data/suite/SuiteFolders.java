package dev.provpt.data.suite;

import dev.provpt.data.DataException;
import dev.provpt.data.ImageFolders;
import dev.provpt.data.ImageSet;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes a task's splits as a VTAB-1k list-file folder, the layout {@link ImageFolders#vtab} reads
 * ({@code data.kind = vtab}): {@code root/images/NNNNN.png} (8-bit grey or RGB PNG, named by source
 * index, each image once), the four list files of {@code images/NNNNN.png label} lines, and
 * {@code classes.txt} with the class names in label order (the loader ignores it).
 */
public final class SuiteFolders {

  private SuiteFolders() {
  }

  /** Writes {@code splits} under {@code root} (created if needed) and returns root. */
  public static Path write(SuiteSplits splits, Path root) {
    try {
      Files.createDirectories(root.resolve("images"));
      List<String> train = writeImages(splits.train800(), splits.sources().train800(), root);
      List<String> val = writeImages(splits.val200(), splits.sources().val200(), root);
      List<String> test = writeImages(splits.test(), splits.sources().test(), root);
      List<String> trainVal = new ArrayList<>(train);
      trainVal.addAll(val);
      Files.write(root.resolve(ImageFolders.VTAB_LISTS.get(0)), train);
      Files.write(root.resolve(ImageFolders.VTAB_LISTS.get(1)), val);
      Files.write(root.resolve(ImageFolders.VTAB_LISTS.get(2)), trainVal);
      Files.write(root.resolve(ImageFolders.VTAB_LISTS.get(3)), test);
      Files.write(root.resolve("classes.txt"), splits.info().classNames());
    } catch (IOException e) {
      throw new DataException(root + ": cannot write the " + splits.info().name() + " task (" + e.getMessage() + ")", e);
    }
    return root;
  }

  /** Each image of {@code set} as images/NNNNN.png (NNNNN its source index); its list lines. */
  private static List<String> writeImages(ImageSet set, int[] sources, Path root) throws IOException {
    List<String> lines = new ArrayList<>(set.size());
    for (int i = 0; i < set.size(); i++) {
      String file = String.format("images/%05d.png", sources[i]);
      if (!ImageIO.write(toImage(set, i), "png", root.resolve(file).toFile())) {
        throw new IOException("no PNG writer");
      }
      lines.add(file + " " + set.labels()[i]);
    }
    return lines;
  }

  private static BufferedImage toImage(ImageSet set, int index) {
    int size = set.width();
    byte[] pixels = set.bytePixels()[index];
    if (set.channels() == 1) {
      BufferedImage image = new BufferedImage(size, set.height(), BufferedImage.TYPE_BYTE_GRAY);
      image.getRaster().setDataElements(0, 0, size, set.height(), pixels);
      return image;
    }
    if (set.channels() != 3) {
      throw new DataException(set.name() + ": PNG folders hold 1 or 3 channels, got " + set.channels());
    }
    BufferedImage image = new BufferedImage(size, set.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < set.height(); y++) {
      for (int x = 0; x < size; x++) {
        int p = (y * size + x) * 3;
        image.setRGB(x, y, (pixels[p] & 0xff) << 16 | (pixels[p + 1] & 0xff) << 8 | (pixels[p + 2] & 0xff));
      }
    }
    return image;
  }
}
