package dev.provpt.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.provpt.config.ConfigLoader;
import dev.provpt.config.ExperimentSettings;
import dev.provpt.config.SettingsException;
import dev.provpt.model.Gelu;
import dev.provpt.model.VitConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.Int64List;
import org.tensorflow.types.TString;

/**
 * TFDS-prepared tasks: shards written by TensorFlow itself (serialised {@code tf.train.Example} protos through
 * TensorFlow's {@code DatasetToTFRecord} op, the writer behind {@code tf.data.experimental.TFRecordWriter}),
 * holding PNG and JPEG bytes, grey and RGB, at the model's size and larger; read back with slicing and compared
 * pixel for pixel with the same bytes read as files by the VTAB folder loader.
 */
class TfdsImagesTest {
  static final int CLASSES = 3;
  static final int TRAIN = 12;
  static final int TEST = 5;

  @TempDir
  static Path tmp;
  static Path dir;
  static Path files;
  /** The encoded images: train 0..11 then test 0..4. */
  static final List<byte[]> encoded = new ArrayList<>();

  @BeforeAll
  static void writeShards() throws Exception {
    dir = Files.createDirectories(tmp.resolve("tfds/toy/1.0.0"));
    files = Files.createDirectories(tmp.resolve("files"));
    ImageSet shapes = Shapes.generate(3, 2, "shapes10");
    List<byte[]> records = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < TRAIN + TEST; i++) {
      byte[] bytes = encode(shapes, i);
      encoded.add(bytes);
      String file = String.format("img%02d.%s", i, i % 4 >= 2 ? "jpg" : "png");
      Files.write(files.resolve(file), bytes);
      lines.add(file + " " + label(i));
      records.add(example("image", bytes, "label", label(i)));
    }
    writeTfRecord(dir.resolve("toy-train.tfrecord-00000-of-00002"), records.subList(0, 7));
    writeTfRecord(dir.resolve("toy-train.tfrecord-00001-of-00002"), records.subList(7, TRAIN));
    writeTfRecord(dir.resolve("toy-test.tfrecord-00000-of-00001"), records.subList(TRAIN, TRAIN + TEST));
    Files.write(files.resolve("all.txt"), lines);
  }

  static int label(int i) {
    return (i * 7) % CLASSES;
  }

  /** Image i as PNG (i % 4 = 0 grey 28×28, 1 RGB 36×36) or JPEG (2 grey 28×28, 3 RGB 40×40). */
  static byte[] encode(ImageSet shapes, int i) throws Exception {
    float[] grey = new float[28 * 28];
    shapes.copyImage(i, grey, 0);
    boolean rgb = i % 2 == 1;
    int size = i % 4 == 1 ? 36 : i % 4 == 3 ? 40 : 28;
    BufferedImage image = new BufferedImage(size, size, rgb ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int v = Math.round(grey[(y * 28 / size) * 28 + x * 28 / size] * 255);
        if (rgb) {
          image.setRGB(x, y, v << 16 | ((x * 255 / size + v) / 2) << 8 | (y * 255 / size));
        } else {
          image.getRaster().setSample(x, y, 0, v);
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, i % 4 >= 2 ? "jpg" : "png", out);
    return out.toByteArray();
  }

  static byte[] example(String imageKey, byte[] image, String labelKey, long label) {
    Features.Builder features = Features.newBuilder();
    if (imageKey != null) {
      features.putFeature(imageKey, Feature.newBuilder()
          .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(image))).build());
    }
    if (labelKey != null) {
      features.putFeature(labelKey, Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(label)).build());
    }
    return Example.newBuilder().setFeatures(features).build().toByteArray();
  }

  /** Writes {@code records} as one TFRecord file with TensorFlow's DatasetToTFRecord op. */
  static void writeTfRecord(Path file, List<byte[]> records) {
    try (Graph graph = new Graph(); Session session = new Session(graph);
         TString values = TString.tensorOfBytes(NdArrays.vectorOfObjects(records.toArray(byte[][]::new)))) {
      Ops tf = Ops.create(graph);
      var slices = tf.data.tensorSliceDataset(List.of(tf.constant(values)), List.of(Shape.scalar()));
      var write = tf.data.datasetToTfRecord(slices, tf.constant(file.toString()), tf.constant(""));
      session.runner().addTarget(write).run();
    }
  }

  static TaskSource.Tfds task(Path directory, String name) {
    return new TaskSource.Tfds(directory, name, "image", "label", CLASSES, "train[:8]", "train[8:12]", "train", "test");
  }

  /** The folder loader's pixels for encoded images {@code from} .. {@code to - 1}. */
  static ImageSet fromFiles(int from, int to, int size, int channels) throws Exception {
    List<String> all = Files.readAllLines(files.resolve("all.txt"));
    Files.write(files.resolve("slice.txt"), all.subList(from, to));
    return ImageFolders.vtab(files, "slice.txt", CLASSES, size, channels);
  }

  @Test
  void shardsWrittenByTensorFlowReadBackPixelForPixelLikeTheSameFiles() throws Exception {
    for (int[] shape : new int[][] {{28, 1}, {32, 3}}) {
      ImageSet fromShards = TfdsImages.load(task(dir, ""), "train[2:10]", shape[0], shape[1]);
      ImageSet fromFolder = fromFiles(2, 10, shape[0], shape[1]);
      assertEquals(8, fromShards.size());
      assertArrayEquals(fromFolder.labels(), fromShards.labels());
      for (int i = 0; i < fromShards.size(); i++) {
        assertArrayEquals(fromFolder.bytePixels()[i], fromShards.bytePixels()[i],
            "image " + (2 + i) + " (" + (i + 2) % 4 + ") at " + Arrays.toString(shape));
      }
      ImageSet test = TfdsImages.load(task(dir, "toy"), "test", shape[0], shape[1]);
      ImageSet testFiles = fromFiles(TRAIN, TRAIN + TEST, shape[0], shape[1]);
      for (int i = 0; i < TEST; i++) {
        assertArrayEquals(testFiles.bytePixels()[i], test.bytePixels()[i], "test image " + i);
      }
    }
  }

  @Test
  void splitSlicingFollowsTfdsAcrossShardsInOrder() {
    var t = task(dir, "");
    assertEquals(TRAIN, TfdsImages.load(t, "train", 28, 1).size());
    assertEquals("toy/train[:8]", TfdsImages.load(t, "train[:8]", 28, 1).name());
    // train[5:9] crosses the shard boundary (7 records in shard 0)
    ImageSet across = TfdsImages.load(t, "train[5:9]", 28, 1);
    assertArrayEquals(new int[] {label(5), label(6), label(7), label(8)}, across.labels());
    assertArrayEquals(new int[] {label(9), label(10), label(11)}, TfdsImages.load(t, "train[-3:]", 28, 1).labels());
    assertEquals(6, TfdsImages.load(t, "train[:50%]", 28, 1).size());
    ImageSet joined = TfdsImages.load(t, "train[:2]+test[1:3]", 28, 1);
    assertArrayEquals(new int[] {label(0), label(1), label(TRAIN + 1), label(TRAIN + 2)}, joined.labels());
    assertEquals(TRAIN, TfdsImages.load(t, "train[:1000]", 28, 1).size(), "bounds past the end are clipped");
    assertEquals(List.of(new TfdsSplit.Part("train", null, "800")), TfdsSplit.parse("train[:800]").parts());
    assertArrayEquals(new int[] {800, 1000}, TfdsSplit.parse("train[800:1000]").parts().get(0).range(1000));
    assertArrayEquals(new int[] {10, 100}, TfdsSplit.parse("train[10%:]").parts().get(0).range(100));
    assertThrows(DataException.class, () -> TfdsSplit.parse("train[:8"));
    assertThrows(DataException.class, () -> TfdsSplit.parse("train[:200%]"));
  }

  @Test
  void theTaskLoadsThroughTaskDataWithItsFourSplits() {
    VitConfig grey28 = new VitConfig(28, 1, 4, 16, 2, 2, 32, Gelu.EXACT, 1e-6, "fashion-mnist", 0);
    var spec = new TaskSpec(task(dir, ""), 800, 200, false, Augmentation.NONE, new NormalizationChoice.Auto());
    Split split = TaskData.load(spec, 1, grey28);
    assertEquals(8, split.train().size());
    assertEquals(4, split.val().size());
    assertEquals(TEST, split.test().size());
    var trainVal = new TaskSpec(task(dir, ""), 800, 200, true, Augmentation.NONE, new NormalizationChoice.Auto());
    assertEquals(TRAIN, TaskData.load(trainVal, 1, grey28).train().size());
  }

  @Test
  void corruptRecordsMissingKeysAndBadLabelsNameTheShardAndRecord() throws Exception {
    Path bad = Files.createDirectories(tmp.resolve("bad"));
    byte[] png = encoded.get(0);
    Path missing = bad.resolve("a-train.tfrecord-00000-of-00001");
    writeTfRecord(missing, List.of(example("image", png, "label", 1), example("image", png, null, 0)));
    var noLabel = assertThrows(DataException.class, () -> TfdsImages.load(task(bad, "a"), "train", 28, 1));
    assertTrue(noLabel.getMessage().startsWith(missing + ": record 1: "), noLabel.getMessage());
    assertTrue(noLabel.getMessage().contains("label"), noLabel.getMessage());

    Path outOfRange = bad.resolve("b-train.tfrecord-00000-of-00001");
    writeTfRecord(outOfRange, List.of(example("image", png, "label", 2), example("image", png, "label", CLASSES)));
    var label = assertThrows(DataException.class, () -> TfdsImages.load(task(bad, "b"), "train", 28, 1));
    assertEquals(outOfRange + ": record 1: label 3 outside [0, 3)", label.getMessage());

    Path undecodable = bad.resolve("c-train.tfrecord-00000-of-00001");
    writeTfRecord(undecodable, List.of(example("image", "not an image".getBytes(), "label", 0)));
    var image = assertThrows(DataException.class, () -> TfdsImages.load(task(bad, "c"), "train", 28, 1));
    assertTrue(image.getMessage().startsWith(undecodable + ": record 0: image bytes TensorFlow cannot decode"),
        image.getMessage());

    // flip a byte inside the second record's data: its CRC no longer matches
    Path corrupt = bad.resolve("d-train.tfrecord-00000-of-00001");
    byte[] first = example("image", png, "label", 0);
    writeTfRecord(corrupt, List.of(first, example("image", png, "label", 1)));
    byte[] bytes = Files.readAllBytes(corrupt);
    int secondData = 8 + 4 + first.length + 4 + 8 + 4;
    bytes[secondData + 10] ^= 0x5a;
    Files.write(corrupt, bytes);
    var crc = assertThrows(DataException.class, () -> TfdsImages.load(task(bad, "d"), "train", 28, 1));
    assertTrue(crc.getMessage().startsWith(corrupt + ": record 1: corrupt TFRecord"), crc.getMessage());
  }

  @Test
  void settingsCheckTheDirectoryAndTheShardsEverySplitReads() throws Exception {
    var ok = ExperimentSettings.from(ConfigLoader.load(null, List.of("data.kind=tfds", "data.tfds.dir=\"" + dir + "\"",
        "data.tfds.classes=3")));
    var source = (TaskSource.Tfds) ok.data().source();
    assertEquals("train[:800]", source.train());
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    var none = assertThrows(SettingsException.class, () -> ExperimentSettings.from(ConfigLoader.load(null,
        List.of("data.kind=tfds", "data.tfds.dir=\"" + empty + "\""))));
    assertTrue(none.getMessage().contains("<dataset>-<split>.tfrecord-NNNNN-of-MMMMM"), none.getMessage());
    var validation = assertThrows(SettingsException.class, () -> ExperimentSettings.from(ConfigLoader.load(null,
        List.of("data.kind=tfds", "data.tfds.dir=\"" + dir + "\"", "data.tfds.val=\"validation[:200]\""))));
    assertTrue(validation.getMessage().contains("toy-validation.tfrecord-NNNNN-of-MMMMM"), validation.getMessage());
    assertTrue(validation.getMessage().contains("provpt.data.tfds.val"), validation.getMessage());
    var spec = assertThrows(SettingsException.class, () -> ExperimentSettings.from(ConfigLoader.load(null,
        List.of("data.tfds.train=\"train[:800\""))));
    assertTrue(spec.getMessage().startsWith("provpt.data.tfds.train must be a TFDS split"), spec.getMessage());
  }
}
