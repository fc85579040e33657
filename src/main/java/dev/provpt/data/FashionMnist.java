package dev.provpt.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Fashion-MNIST (28x28 grayscale, 10 classes) from the four gzipped IDX files of the Debian package. */
public final class FashionMnist {

    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /** The 60000 training images. */
    public static ImageSet train(Path dir) {
        return load(dir, "train", "fashion-mnist-train");
    }

    /** The 10000 test images. */
    public static ImageSet test(Path dir) {
        return load(dir, "t10k", "fashion-mnist-test");
    }

    private static ImageSet load(Path dir, String prefix, String name) {
        Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": Fashion-MNIST directory not found, expected it to hold "
                    + images.getFileName() + " and " + labels.getFileName()
                    + "; run `apt-get install dataset-fashion-mnist` or set the data directory to where the files are");
        }
        return IdxFiles.read(images, labels, CLASS_NAMES.size(), CLASS_NAMES, name);
    }
}
