package dev.provpt.data.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.data.ImageFolders;
import dev.provpt.data.ImageSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task written as a VTAB-1k folder reads back through the data.kind = vtab loader pixel for pixel. */
class SuiteFoldersTest {

  @TempDir
  Path tmp;

  @Test
  void greyDigitsReadBackIdenticallyThroughImageFoldersVtab() throws Exception {
    SuiteSplits splits = SuiteFixtures.splits("digits");
    Path root = SuiteFolders.write(splits, tmp.resolve("digits"));
    assertEquals(1797, Files.list(root.resolve("images")).count(), "one PNG per image, train800val200 shares them");
    assertEquals(splits.info().classNames(), Files.readAllLines(root.resolve("classes.txt")));
    assertReadsBack(splits, root, 28, 1);
  }

  @Test
  void colourStructuredScenesReadBackIdentically() {
    SuiteSplits splits = SuiteTasks.named("location-x").generate(SuiteTasks.SEED, 16, 3);
    assertTrue(Arrays.stream(splits.test().bytePixels()).anyMatch(SuiteFoldersTest::coloured), "no colour at all");
    assertReadsBack(splits, SuiteFolders.write(splits, tmp.resolve("location")), 16, 3);
  }

  private static void assertReadsBack(SuiteSplits splits, Path root, int size, int channels) {
    ImageSet[] written = {splits.train800(), splits.val200(), splits.train800val200(), splits.test()};
    for (int s = 0; s < written.length; s++) {
      ImageSet read = ImageFolders.vtab(root, ImageFolders.VTAB_LISTS.get(s), splits.info().numClasses(), size,
          channels);
      assertEquals(written[s].size(), read.size(), ImageFolders.VTAB_LISTS.get(s));
      assertArrayEquals(written[s].labels(), read.labels(), ImageFolders.VTAB_LISTS.get(s));
      for (int i = 0; i < read.size(); i++) {
        assertArrayEquals(written[s].bytePixels()[i], read.bytePixels()[i],
            ImageFolders.VTAB_LISTS.get(s) + " image " + i);
      }
    }
  }

  private static boolean coloured(byte[] rgb) {
    for (int p = 0; p < rgb.length; p += 3) {
      if (rgb[p] != rgb[p + 1] || rgb[p] != rgb[p + 2]) {
        return true;
      }
    }
    return false;
  }
}
