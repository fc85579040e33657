package dev.provpt.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Image datasets on disk, decoded and resized to the model's input: the VTAB-1k layout of the PEFT
 * literature (a task folder with {@code train800.txt}, {@code val200.txt},
 * {@code train800val200.txt}, {@code test.txt}, one {@code relative/path label} per line) and the
 * image-folder layout ({@code root/class_name/*.png|jpg}, classes in name order).
 */
public final class ImageFolders {
  public static final List<String> VTAB_LISTS = List.of("train800.txt", "val200.txt", "train800val200.txt", "test.txt");

  private ImageFolders() {}

  /** One VTAB list file of {@code task}; {@code classes} fixes the label range. */
  public static ImageSet vtab(Path task, String list, int classes, int size, int channels) {
    Path file = task.resolve(list);
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new DataException(file + ": cannot read the VTAB list (" + e.getMessage() + ")", e);
    }
    List<Path> paths = new ArrayList<>();
    List<String> wheres = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      String where = file + " line " + (i + 1);
      int space = line.lastIndexOf(' ');
      int label;
      try {
        label = Integer.parseInt(line.substring(space + 1));
      } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
        throw new DataException(where + ": expected \"relative/path label\", got \"" + line + "\"");
      }
      if (space <= 0 || label < 0 || label >= classes) {
        throw new DataException(where + ": label " + label + " outside [0, " + classes + ") or no path, in \""
            + line + "\"");
      }
      paths.add(task.resolve(line.substring(0, space).trim()));
      wheres.add(where + ": ");
      labels.add(label);
    }
    List<byte[]> images = decodeAll(paths, wheres, size, channels);
    List<String> names = IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    return assemble(task.getFileName() + "/" + list, images, labels, classes, names, size, channels);
  }

  /** An image-folder tree: one subfolder per class, classes sorted by name. */
  public static ImageSet folder(Path root, int size, int channels) {
    if (!Files.isDirectory(root)) {
      throw new DataException(root + ": image folder not found (expected root/class_name/*.png|jpg)");
    }
    List<Path> classDirs;
    try (var entries = Files.list(root)) {
      classDirs = entries.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new DataException(root + ": cannot list (" + e.getMessage() + ")", e);
    }
    if (classDirs.size() < 2) {
      throw new DataException(root + ": found " + classDirs.size() + " class folders, expected at least 2");
    }
    List<Path> paths = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < classDirs.size(); c++) {
      try (var files = Files.list(classDirs.get(c))) {
        for (Path f : files.filter(p -> p.getFileName().toString().toLowerCase().matches(".*\\.(png|jpe?g|bmp|gif)"))
            .sorted().toList()) {
          paths.add(f);
          labels.add(c);
        }
      } catch (IOException e) {
        throw new DataException(classDirs.get(c) + ": cannot list (" + e.getMessage() + ")", e);
      }
    }
    List<byte[]> images = decodeAll(paths, java.util.Collections.nCopies(paths.size(), ""), size, channels);
    List<String> names = classDirs.stream().map(p -> p.getFileName().toString()).toList();
    return assemble(root.getFileName().toString(), images, labels, names.size(), names, size, channels);
  }

  /**
   * Decodes every file on all cores. A failure is reported for the first bad file in list order
   * (prefixed with its {@code where}), whatever order the threads met them in.
   */
  private static List<byte[]> decodeAll(List<Path> paths, List<String> wheres, int size, int channels) {
    byte[][] images = new byte[paths.size()][];
    DataException[] failures = new DataException[paths.size()];
    IntStream.range(0, paths.size()).parallel().forEach(i -> {
      try {
        images[i] = ImageFiles.readBytes(paths.get(i), size, channels);
      } catch (DataException e) {
        failures[i] = e;
      }
    });
    for (int i = 0; i < failures.length; i++) {
      if (failures[i] != null) {
        throw new DataException(wheres.get(i) + failures[i].getMessage(), failures[i]);
      }
    }
    return java.util.Arrays.asList(images);
  }

  private static ImageSet assemble(String name, List<byte[]> images, List<Integer> labels, int classes,
      List<String> classNames, int size, int channels) {
    if (images.isEmpty()) {
      throw new DataException(name + ": no images");
    }
    // 8-bit, one array per image: decoded files hold 8-bit values anyway (see ImageSet).
    return ImageSet.ofBytes(name, size, size, channels, images.toArray(byte[][]::new),
        labels.stream().mapToInt(Integer::intValue).toArray(), classes, classNames);
  }
}
