package dev.provpt.data.suite;

import dev.provpt.data.DataException;
import dev.provpt.data.ImageSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * "digits" (natural): scikit-learn's copy of the UCI optical-recognition handwritten digits, read from
 * the CSV that the Debian package python3-sklearn ships. 1,797 images of 8 × 8 cells, each the count
 * (0..16) of ink pixels in a 4 × 4 block of a 32 × 32 bitmap, scaled to [0, 1] and enlarged bilinearly.
 * Ink is bright on a black ground, like the backbone's pre-training images.
 *
 * <p>Only ~180 images per class exist, so after train800 (80 per class) and val200 (20 per class) the
 * test set is the remaining 797 images (74..83 per class).
 */
final class Digits extends SuiteTask {

  static final String NAME = "digits";
  static final String PACKAGE = "python3-sklearn";
  static final Path CSV = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz");
  static final int SOURCE_SIZE = 8;
  private static final int LEVELS = 16;
  static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  private final Path csv;

  Digits() {
    this(CSV);
  }

  /** Reads {@code csv} instead of the packaged file (tests point this at a missing path). */
  Digits(Path csv) {
    super(new TaskInfo(NAME, TaskInfo.Group.NATURAL, CLASS_NAMES,
        "Debian package " + PACKAGE + ": " + CSV + " (scikit-learn's copy of the test part of the UCI "
            + "'Optical Recognition of Handwritten Digits' set, E. Alpaydin and C. Kaynak, 1998; 13 writers)",
        "BSD-3-Clause (scikit-learn, per /usr/share/doc/python3-sklearn/copyright); the UCI data is CC BY 4.0",
        "8x8 cells of 17 grey levels (ink counts 0..16 / 16), enlarged bilinearly to the requested size; "
            + "train800/val200 drawn stratified from all 1,797 images, test = the other 797"));
    this.csv = csv;
  }

  @Override
  public List<String> missingPackages() {
    return Files.isRegularFile(csv) ? List.of() : List.of(PACKAGE);
  }

  @Override
  Source source(long seed, int size, int channels) {
    return Source.shared(read(csv, NAME, size));
  }

  /** The 1,797 digits as grey 8-bit images of {@code size} × {@code size}, in file order. */
  static ImageSet read(Path csv, String name, int size) {
    if (!Files.isRegularFile(csv)) {
      throw new DataException(name + ": " + csv + " not found: install the Debian package " + PACKAGE);
    }
    List<byte[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(csv)), StandardCharsets.US_ASCII))) {
      String line;
      int row = 0;
      while ((line = reader.readLine()) != null) {
        row++;
        if (line.isBlank()) {
          continue;
        }
        String[] fields = line.split(",");
        int cells = SOURCE_SIZE * SOURCE_SIZE;
        if (fields.length != cells + 1) {
          throw new DataException(csv + " row " + row + ": " + fields.length + " fields, expected "
              + (cells + 1) + " (64 cells and the label)");
        }
        float[] cellValues = new float[cells];
        for (int i = 0; i < cells; i++) {
          cellValues[i] = parse(fields[i], LEVELS, csv, row) / (float) LEVELS;
        }
        images.add(Raster.toBytes(Raster.resize(cellValues, SOURCE_SIZE, size)));
        labels.add(parse(fields[cells], CLASS_NAMES.size() - 1, csv, row));
      }
    } catch (IOException e) {
      throw new DataException(csv + ": cannot read (" + e.getMessage() + ")", e);
    }
    return ImageSet.ofBytes(name, size, size, 1, images.toArray(byte[][]::new),
        labels.stream().mapToInt(Integer::intValue).toArray(), CLASS_NAMES.size(), CLASS_NAMES);
  }

  /** An integer field in [0, max]; sklearn writes them as "5" or "5.0". */
  private static int parse(String field, int max, Path csv, int row) {
    double value;
    try {
      value = Double.parseDouble(field.trim());
    } catch (NumberFormatException e) {
      throw new DataException(csv + " row " + row + ": \"" + field + "\" is not a number");
    }
    if (value != Math.rint(value) || value < 0 || value > max) {
      throw new DataException(csv + " row " + row + ": " + field + " is not an integer in [0, " + max + "]");
    }
    return (int) value;
  }
}
