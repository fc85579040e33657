package dev.provpt.cli;

import dev.provpt.model.FeatureExtractor;
import dev.provpt.model.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.jetbrains.bio.npy.NpyArray;
import org.jetbrains.bio.npy.NpyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a backbone's [CLS] features (no prompts) for a .npy batch of normalised images. */
@Command(name = "features", description = {
    "Run a backbone without prompts on a float32 NHWC .npy array of already-normalised images",
    "and write the [CLS] features after the final norm, [N, width], as .npy."})
final class FeaturesCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "backbone directory")
  Path model;

  @Option(names = "--npy", required = true, paramLabel = "IN", description = "images, float32 [N, S, S, C]")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "features, float32 [N, width]")
  Path output;

  @Option(names = "--batch-size", defaultValue = "32", description = "images per forward pass (default ${DEFAULT-VALUE})")
  int batchSize;

  @Override
  public Integer call() {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("--batch-size must be > 0, got " + batchSize);
    }
    try (FeatureExtractor extractor = new FeatureExtractor(model)) {
      var c = extractor.config();
      float[] images = readImages(input, c.imageSize(), c.channels());
      int count = images.length / (c.imageSize() * c.imageSize() * c.channels());
      float[] features = extractor.features(images, count, batchSize);
      NpyFile.write(output, features, new int[] {count, c.width()});
      System.out.println("wrote " + output + ": " + count + " x " + c.width() + " features");
    }
    return 0;
  }

  static float[] readImages(Path file, int size, int channels) {
    if (!Files.isRegularFile(file)) {
      throw new ModelException(file + ": not found (expected a float32 .npy array [N, " + size + ", " + size + ", "
          + channels + "])");
    }
    NpyArray array;
    try {
      array = NpyFile.read(file, 1 << 22);
    } catch (RuntimeException e) {
      throw new ModelException(file + ": not a readable .npy file: " + e.getMessage(), e);
    }
    int[] shape = array.getShape();
    if (shape.length != 4 || shape[1] != size || shape[2] != size || shape[3] != channels) {
      throw new ModelException(file + ": shape " + Arrays.toString(shape) + ", expected [N, " + size + ", " + size
          + ", " + channels + "] (NHWC at the backbone's resolution)");
    }
    if (!(array.getData() instanceof float[] values)) {
      throw new ModelException(file + ": holds " + array.getData().getClass().getSimpleName()
          + ", expected float32 (numpy: x.astype(np.float32))");
    }
    return values;
  }
}
