package dev.provpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.provpt.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jetbrains.bio.npy.NpyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** provpt import-vit and provpt features as a user runs them, exit codes and messages included. */
class ImportAndFeaturesCommandTest {
  static final Path FIXTURES = Path.of("src/test/resources/vit-import");

  @TempDir
  Path tmp;

  /** Runs the command line, returning its exit code and what it wrote to stderr. */
  private record Outcome(int code, String err) {}

  private static Outcome execute(String... args) {
    Console<Integer> console = Console.capture(() -> Main.execute(args));
    return new Outcome(console.value(), console.err());
  }

  @Test
  void importThenFeaturesReproducesTheNumPyFeatures() throws Exception {
    Path model = tmp.resolve("models/jax-tiny");
    assertEquals(0, execute("import-vit", "--npz", FIXTURES.resolve("jax-tiny.npz").toString(),
        "--out", model.toString()).code());
    assertTrue(Files.isRegularFile(model.resolve("import.json")));
    assertTrue(Files.readString(model.resolve("model.conf")).contains("gelu = tanh"));

    Path out = tmp.resolve("features.npy");
    assertEquals(0, execute("features", "--model", model.toString(), "--npy",
        FIXTURES.resolve("inputs.npy").toString(), "--out", out.toString(), "--batch-size", "3").code());
    var written = NpyFile.read(out, 1 << 20);
    assertEquals(java.util.List.of(4, 32), java.util.Arrays.stream(written.getShape()).boxed().toList());
    float[] expected = NpyFile.read(FIXTURES.resolve("jax-tiny-features.npy"), 1 << 20).asFloatArray();
    float[] actual = written.asFloatArray();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4, "feature " + i);
    }
  }

  @Test
  void anExistingDirectoryIsKeptUnlessForced() throws Exception {
    Path model = tmp.resolve("taken");
    Files.createDirectories(model);
    Files.writeString(model.resolve("notes.txt"), "mine");
    Outcome refused = execute("import-vit", "--npz", FIXTURES.resolve("jax-tiny.npz").toString(),
        "--out", model.toString());
    assertEquals(2, refused.code());
    assertTrue(refused.err().contains("--force"), refused.err());
    assertEquals("mine", Files.readString(model.resolve("notes.txt")));
    assertEquals(0, execute("import-vit", "--npz", FIXTURES.resolve("jax-tiny.npz").toString(),
        "--out", model.toString(), "--force").code());
    assertTrue(Files.isRegularFile(model.resolve("saved_model.pb")));
  }

  @Test
  void aFailedImportLeavesTheTargetAsItWas() throws Exception {
    Path model = tmp.resolve("kept");
    assertEquals(0, execute("import-vit", "--npz", FIXTURES.resolve("jax-tiny.npz").toString(),
        "--out", model.toString()).code());
    String conf = Files.readString(model.resolve("model.conf"));
    // timm needs --normalization: this import fails after reading the file
    Outcome failed = execute("import-vit", "--safetensors", FIXTURES.resolve("timm-tiny.safetensors").toString(),
        "--heads", "4", "--out", model.toString(), "--force");
    assertEquals(2, failed.code());
    assertTrue(failed.err().contains("--normalization"), failed.err());
    assertEquals(conf, Files.readString(model.resolve("model.conf")));
  }

  @Test
  void featuresRefusesImagesOfAnotherShapeNamingFileAndShape() throws Exception {
    Path model = tmp.resolve("m");
    assertEquals(0, execute("import-vit", "--npz", FIXTURES.resolve("jax-tiny.npz").toString(),
        "--out", model.toString()).code());
    Path large = FIXTURES.resolve("inputs-large.npy");
    Outcome wrong = execute("features", "--model", model.toString(), "--npy", large.toString(),
        "--out", tmp.resolve("f.npy").toString());
    assertEquals(2, wrong.code());
    assertTrue(wrong.err().contains(large.toString()) && wrong.err().contains("[3, 48, 48, 3]")
        && wrong.err().contains("[N, 32, 32, 3]"), wrong.err());
    Path unwritable = tmp.resolve("no-such-dir/f.npy");
    Outcome cannotWrite = execute("features", "--model", model.toString(), "--npy",
        FIXTURES.resolve("inputs.npy").toString(), "--out", unwritable.toString());
    assertEquals(2, cannotWrite.code());
    assertTrue(cannotWrite.err().contains(unwritable + ": no such file or directory"), cannotWrite.err());
    Outcome missing = execute("features", "--model", tmp.resolve("nowhere").toString(), "--npy", large.toString(),
        "--out", tmp.resolve("f.npy").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nowhere"), missing.err());
  }
}
