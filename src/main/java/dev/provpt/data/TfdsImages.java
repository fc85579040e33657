package dev.provpt.data;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.Iterator;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * A task as TensorFlow Datasets prepares it, read through TensorFlow's own readers and decoders: the TFRecord
 * shards of a split ({@link TfdsShards}) are read with a {@code TFRecordDataset} and an iterator, each record
 * is parsed as a {@code tf.train.Example} with {@code ParseSingleExample} (the image's encoded bytes as a
 * string feature, the label as an int64 feature), and the image bytes are decoded by TensorFlow
 * ({@code DecodeJpeg} with the accurate integer IDCT for JPEG, {@code DecodeImage} for PNG, GIF and BMP) —
 * never re-encoded. The decoded pixels then go through the same resize and channel conversion as image files
 * ({@link ImageFiles#toBytes}), so an image gives the same model input whether it was stored as a file or in a
 * shard.
 *
 * <p>An error names the shard and the record's index in it: a corrupt record (TensorFlow's CRC checks), a
 * record that is not an {@code Example} or lacks a key, an image TensorFlow cannot decode, a label outside
 * [0, classes).
 */
public final class TfdsImages implements AutoCloseable {
  private final Graph graph = new Graph();
  private final Session session;
  private final Placeholder<TString> file;
  private final org.tensorflow.Operation init;
  private final Operand<?> next;
  private final Placeholder<TString> record;
  private final Operand<?> image;
  private final Operand<?> label;
  private final Placeholder<TString> encoded;
  private final DecodeImage<TUint8> decoded;
  private final DecodeJpeg decodedJpeg;

  /** A reader of Examples holding the encoded image under {@code imageKey} and the label under {@code labelKey}. */
  public TfdsImages(String imageKey, String labelKey) {
    Ops tf = Ops.create(graph);
    file = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    // TFRecordDataset (V1): TensorFlow 2.18 cannot serialise a TFRecordDatasetV2 (the op TF Java's
    // tf.data.tfRecordDataset builds) when the iterator is made; it writes 3 of its 4 inputs
    Operand<?> dataset = tf.scope().opBuilder("TFRecordDataset", "records")
        .addInput(tf.reshape(file, tf.constant(new long[] {1})).asOutput())
        .addInput(tf.constant("").asOutput())
        .addInput(tf.constant(256L * 1024).asOutput())
        .build().output(0);
    List<Class<? extends org.tensorflow.types.family.TType>> types = List.of(TString.class);
    List<Shape> shapes = List.of(Shape.scalar());
    Iterator iterator = tf.data.iterator("", "", types, shapes);
    init = tf.data.makeIterator((Operand) dataset, iterator).op();
    next = tf.data.iteratorGetNext(iterator, types, shapes).components().get(0);
    record = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    // no defaults (empty tensors): both keys are required, and a record without one is refused
    var parsed = tf.io.parseSingleExample(record,
        List.of(tf.constant(NdArrays.ofObjects(String.class, Shape.of(0))), tf.constant(new long[0])), 0L, List.of(),
        List.of(imageKey, labelKey), List.of(), List.of(Shape.scalar(), Shape.scalar()));
    image = parsed.denseValues().get(0);
    label = parsed.denseValues().get(1);
    encoded = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    decoded = tf.image.decodeImage(encoded, TUint8.class, DecodeImage.channels(0L), DecodeImage.expandAnimations(false));
    decodedJpeg = tf.image.decodeJpeg(encoded, DecodeJpeg.channels(0L), DecodeJpeg.dctMethod("INTEGER_ACCURATE"));
    session = new Session(graph);
  }

  /** One decoded Example: the image as TensorFlow decoded it (HWC, 8-bit) and its label. */
  public record Decoded(int height, int width, int channels, byte[] pixels, long label) {}

  /** The number of records in {@code shard}. */
  public int count(Path shard) {
    return forEachRecord(shard, (index, bytes) -> { });
  }

  /**
   * Calls {@code visitor} with each record's index and serialised bytes, in order; returns the record count.
   * (TF Java's exceptions are not all TensorFlowExceptions: some extend IllegalArgumentException or
   * IndexOutOfBoundsException, hence the broad catches here.)
   */
  public int forEachRecord(Path shard, RecordVisitor visitor) {
    try (TString name = TString.scalarOf(shard.toString())) {
      session.runner().feed(file, name).addTarget(init).run();
    } catch (RuntimeException e) {
      throw new DataException(shard + ": cannot open as TFRecord (" + firstLine(e) + ")", e);
    }
    for (int index = 0; ; index++) {
      byte[] bytes;
      try (var result = session.runner().fetch(next).run()) {
        bytes = ((TString) result.get(0)).asBytes().getObject();
      } catch (TFOutOfRangeException end) {
        return index;
      } catch (RuntimeException e) {
        throw new DataException(shard + ": record " + index + ": corrupt TFRecord (" + firstLine(e) + ")", e);
      }
      visitor.visit(index, bytes);
    }
  }

  /** Receives records in order. */
  @FunctionalInterface
  public interface RecordVisitor {
    void visit(int index, byte[] record);
  }

  /** Parses one serialised Example and decodes its image; {@code where} prefixes errors. */
  public Decoded decode(byte[] serialised, String where) {
    byte[] imageBytes;
    long labelValue;
    try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(serialised));
         var result = session.runner().feed(record, in).fetch(image).fetch(label).run()) {
      imageBytes = ((TString) result.get(0)).asBytes().getObject();
      labelValue = ((TInt64) result.get(1)).getLong();
    } catch (RuntimeException e) {
      throw new DataException(where + ": not a tf.train.Example with the expected features (" + firstLine(e) + ")", e);
    }
    boolean jpeg = imageBytes.length > 2 && (imageBytes[0] & 0xff) == 0xFF && (imageBytes[1] & 0xff) == 0xD8;
    try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(imageBytes));
         var result = session.runner().feed(encoded, in).fetch(jpeg ? decodedJpeg : decoded).run()) {
      TUint8 pixels = (TUint8) result.get(0);
      Shape shape = pixels.shape();
      if (shape.numDimensions() != 3) {
        throw new DataException(where + ": decoded image has shape " + shape + ", expected height x width x channels");
      }
      byte[] values = new byte[(int) shape.size()];
      pixels.copyTo(DataBuffers.of(values, false, false));
      return new Decoded((int) shape.get(0), (int) shape.get(1), (int) shape.get(2), values, labelValue);
    } catch (DataException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new DataException(where + ": image bytes TensorFlow cannot decode (" + firstLine(e) + ")", e);
    }
  }

  /**
   * The examples at {@code indices} (ascending, distinct) of the split made of {@code shards} in order, as
   * model input ({@code size}×{@code size}×{@code channels}). Labels must lie in [0, classes).
   */
  public List<Example> read(List<Path> shards, int[] indices, int classes, int size, int channels) {
    List<Example> out = new ArrayList<>(indices.length);
    Map<Integer, Integer> wanted = new HashMap<>();
    for (int i = 0; i < indices.length; i++) {
      wanted.put(indices[i], i);
    }
    List<byte[]> records = new ArrayList<>();
    List<String> wheres = new ArrayList<>();
    int offset = 0;
    for (Path shard : shards) {
      int first = offset;
      offset += forEachRecord(shard, (index, bytes) -> {
        if (wanted.containsKey(first + index)) {
          records.add(bytes);
          wheres.add(shard + ": record " + index);
        }
      });
    }
    for (int i = 0; i < records.size(); i++) {
      Decoded d = decode(records.get(i), wheres.get(i));
      if (d.label() < 0 || d.label() >= classes) {
        throw new DataException(wheres.get(i) + ": label " + d.label() + " outside [0, " + classes + ")");
      }
      out.add(new Example(ImageFiles.toBytes(asImage(d, wheres.get(i)), size, channels), (int) d.label()));
    }
    return out;
  }

  /**
   * One split spec of a TFDS task ({@link TfdsSplit}: {@code train[:800]}, {@code test}, parts joined with
   * {@code +}) as an 8-bit ImageSet at the model's input size, the parts' examples in order.
   */
  public static ImageSet load(TaskSource.Tfds task, String spec, int size, int channels) {
    TfdsSplit split = TfdsSplit.parse(spec);
    String dataset = TfdsShards.dataset(task.dir(), task.name());
    List<byte[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (TfdsImages reader = new TfdsImages(task.imageKey(), task.labelKey())) {
      Map<String, Integer> sizes = new HashMap<>();
      for (TfdsSplit.Part part : split.parts()) {
        List<Path> shards = TfdsShards.of(task.dir(), dataset, part.split());
        int n = sizes.computeIfAbsent(part.split(), s -> shards.stream().mapToInt(reader::count).sum());
        int[] range = part.range(n);
        int[] indices = IntStream.range(range[0], range[1]).toArray();
        for (Example e : reader.read(shards, indices, task.classes(), size, channels)) {
          images.add(e.pixels());
          labels.add(e.label());
        }
      }
    }
    String name = dataset + "/" + spec;
    if (images.isEmpty()) {
      throw new DataException(task.dir() + ": split \"" + spec + "\" of " + dataset + " holds no examples");
    }
    List<String> classNames = IntStream.range(0, task.classes()).mapToObj(Integer::toString).toList();
    return ImageSet.ofBytes(name, size, size, channels, images.toArray(byte[][]::new),
        labels.stream().mapToInt(Integer::intValue).toArray(), task.classes(), classNames);
  }

  /** A decoded example as model input. */
  public record Example(byte[] pixels, int label) {}

  /**
   * TensorFlow's decoded pixels as the BufferedImage ImageIO would have made of the same file (grey, grey with
   * alpha, RGB, RGBA), so that {@link ImageFiles#toBytes} treats both alike.
   */
  static BufferedImage asImage(Decoded d, String where) {
    int type = switch (d.channels()) {
      case 1 -> BufferedImage.TYPE_BYTE_GRAY;
      case 3 -> BufferedImage.TYPE_3BYTE_BGR;
      case 4 -> BufferedImage.TYPE_4BYTE_ABGR;
      case 2 -> -1;
      default -> throw new DataException(where + ": decoded image has " + d.channels() + " channels, expected 1 to 4");
    };
    BufferedImage out;
    if (type == -1) {
      var model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
          Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
      out = new BufferedImage(model, model.createCompatibleWritableRaster(d.width(), d.height()), false, null);
    } else {
      out = new BufferedImage(d.width(), d.height(), type);
    }
    int[] samples = new int[d.pixels().length];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = d.pixels()[i] & 0xff;
    }
    out.getRaster().setPixels(0, 0, d.width(), d.height(), samples);
    return out;
  }

  private static String firstLine(RuntimeException e) {
    String message = String.valueOf(e.getMessage()).strip();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
