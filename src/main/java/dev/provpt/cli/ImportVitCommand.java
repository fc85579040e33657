package dev.provpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.provpt.convert.VitImporter;
import dev.provpt.model.Backbone;
import dev.provpt.model.ModelException;
import dev.provpt.model.VitConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Converts a ViT checkpoint (original .npz release or timm .safetensors) into a backbone directory. */
@Command(name = "import-vit", description = {
    "Convert a pre-trained ViT checkpoint into a provpt backbone (SavedModel + model.conf).",
    "The architecture is read from the tensor shapes; import.json records where it came from."})
final class ImportVitCommand implements Callable<Integer> {
  static final class Source {
    @Option(names = "--npz", paramLabel = "FILE", description = "original Vision Transformer release layout (ViT-B_16.npz)")
    Path npz;

    @Option(names = "--safetensors", paramLabel = "FILE", description = "timm layout (model.safetensors)")
    Path safetensors;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "backbone directory to create, e.g. models/vit-b16")
  Path out;

  @Option(names = "--image-size", paramLabel = "S",
      description = "resolution of the backbone; another than the checkpoint's resizes the position embedding")
  int imageSize;

  @Option(names = "--heads", description = "attention heads (timm files do not record them; default: the standard ViT of that width)")
  int heads;

  @Option(names = "--gelu", description = "tanh or exact (default: as the source implementation: tanh for .npz, exact for timm)")
  String gelu;

  @Option(names = "--normalization",
      description = "input normalisation recorded in model.conf: imagenet or inception (default for .npz: inception)")
  String normalization;

  @Option(names = "--force", description = "replace DIR if it exists")
  boolean force;

  @Override
  public Integer call() throws IOException {
    Path file = source.npz != null ? source.npz : source.safetensors;
    if (Files.exists(out) && !force && !isEmptyDirectory(out)) {
      throw new ModelException(out + " already exists; pass --force to replace it");
    }
    long started = System.nanoTime();
    Path absolute = out.toAbsolutePath();
    Path staging = absolute.resolveSibling(absolute.getFileName() + ".importing");
    VitConfig config;
    try {
      config = importInto(file, staging, started);
      // Re-read and checked against model.conf before it replaces anything; the imported weights
      // are out of reach by now, so a large model is not held twice.
      Backbone.load(staging);
    } catch (RuntimeException | IOException e) {
      deleteRecursively(staging);
      throw e;
    }
    deleteRecursively(absolute);
    Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);

    System.out.println("backbone " + out + ": " + config.describe());
    System.out.printf("         %,d backbone parameters; %.1f s%n", config.backboneParameters(),
        (System.nanoTime() - started) / 1e9);
    return 0;
  }

  /** Imports {@code file} and exports it to {@code staging} (written beside DIR, moved in when checked). */
  private VitConfig importInto(Path file, Path staging, long started) throws IOException {
    VitImporter.Result result = VitImporter.importFile(file,
        new VitImporter.Options(imageSize, heads, gelu, normalization));
    System.out.println("read     " + file + " (" + VitImporter.layoutOf(file).describe() + ")");
    System.out.println("source   " + VitImporter.describe(result.source()));
    result.notes().forEach(note -> System.out.println("note     " + note));
    deleteRecursively(staging);
    Backbone.export(staging, result.config(), result.weights());
    writeProvenance(staging, file, result, (System.nanoTime() - started) / 1e9);
    return result.config();
  }

  private static void writeProvenance(Path dir, Path file, VitImporter.Result result, double seconds)
      throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("source", file.toAbsolutePath().toString());
    record.put("source_bytes", Files.size(file));
    record.put("layout", VitImporter.layoutOf(file).describe());
    record.put("source_architecture", VitImporter.describe(result.source()));
    record.put("architecture", result.config().describe());
    record.put("notes", result.notes());
    record.put("imported_at", Instant.now().toString());
    record.put("seconds", Math.round(seconds * 10) / 10.0);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("import.json").toFile(), record);
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
