package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @Test
    void readsTheDebianPackageFiles() {
        dev.provpt.DebianPackages.assumeInstalled("dataset-fashion-mnist");
        ImageSet train = FashionMnist.train(FashionMnist.DEFAULT_DIR);
        ImageSet test = FashionMnist.test(FashionMnist.DEFAULT_DIR);

        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        for (ImageSet set : new ImageSet[] {train, test}) {
            assertEquals(28, set.height());
            assertEquals(28, set.width());
            assertEquals(1, set.channels());
            assertEquals(FashionMnist.CLASS_NAMES, set.classNames());
            // Fashion-MNIST is exactly balanced: 6000 / 1000 of each class
            for (int count : set.classCounts()) {
                assertEquals(set.size() / 10, count);
            }
        }
        double sum = 0;
        float max = 0;
        for (float pixel : train.pixels()) {
            sum += pixel;
            max = Math.max(max, pixel);
        }
        assertEquals(1f, max);
        // the published training mean that the "fashion-mnist" normalization uses
        assertEquals(0.2860, sum / train.pixels().length, 1e-3);
    }

    @Test
    void missingDirectoryExplainsHowToGetTheData(@TempDir Path dir) {
        Path missing = dir.resolve("fashion-mnist");
        DataException error = assertThrows(DataException.class, () -> FashionMnist.train(missing));
        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("apt-get install dataset-fashion-mnist"), error.getMessage());
    }

    @Test
    void hasTenClassNames() {
        assertEquals(10, FashionMnist.CLASS_NAMES.size());
        assertEquals("T-shirt/top", FashionMnist.CLASS_NAMES.get(0));
        assertEquals("Ankle boot", FashionMnist.CLASS_NAMES.get(9));
    }
}
