package dev.provpt;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.provpt.data.FashionMnist;
import dev.provpt.data.suite.LetterFonts;
import dev.provpt.data.suite.SuiteTasks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The optional Debian packages some tests read. A test that needs one calls {@link #assumeInstalled}
 * (or {@link #assumeSuiteTask}) first, so on a machine without it the test is skipped with a message
 * naming the package, never failed. {@code scripts/test.sh} installs them when run as root and counts
 * these skips by the {@link #SKIP_MARK} their messages start with.
 */
public final class DebianPackages {

  /** How a skip message for a missing package starts (scripts/test.sh looks for it). */
  public static final String SKIP_MARK = "missing Debian package: ";

  /** Every optional package a test uses, in the order scripts/test.sh installs them. */
  public static final List<String> ALL = List.of("dataset-fashion-mnist", "chromium", "python3-numpy",
      "python3-sklearn", "fonts-aenigma", "fonts-dejavu-core", "fonts-liberation", "fonts-freefont-ttf",
      "fonts-urw-base35", "fonts-dustin");

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path PYTHON3 = Path.of("/usr/bin/python3");

  private static Boolean numpy;

  private DebianPackages() {
  }

  /** Skips the calling test unless every one of {@code packages} is installed. */
  public static void assumeInstalled(String... packages) {
    assumeNoneMissing(Arrays.stream(packages).filter(p -> !installed(p)).toList());
  }

  /** Skips the calling test unless the suite task {@code task}'s source packages are installed. */
  public static void assumeSuiteTask(String task) {
    assumeNoneMissing(SuiteTasks.named(task).missingPackages());
  }

  /** Whether {@code debianPackage} (one of {@link #ALL}) is installed, judged by the file the code reads from it. */
  public static boolean installed(String debianPackage) {
    return switch (debianPackage) {
      case "dataset-fashion-mnist" -> Files.isRegularFile(FashionMnist.DEFAULT_DIR.resolve("t10k-labels-idx1-ubyte.gz"));
      case "chromium" -> Files.isExecutable(CHROMIUM);
      case "python3-numpy" -> numpyImports();
      case "python3-sklearn" -> SuiteTasks.named("digits").missingPackages().isEmpty();
      default -> {
        if (!LetterFonts.installed().debianPackages().contains(debianPackage)) {
          throw new IllegalArgumentException("unknown optional Debian package \"" + debianPackage + "\", expected one of "
              + ALL);
        }
        yield !LetterFonts.installed().missingPackages().contains(debianPackage);
      }
    };
  }

  private static void assumeNoneMissing(Collection<String> missing) {
    assumeTrue(missing.isEmpty(), () -> SKIP_MARK + String.join(" ", missing)
        + " (bash scripts/test.sh run as root installs it)");
  }

  private static synchronized boolean numpyImports() {
    if (numpy == null) {
      numpy = Files.isExecutable(PYTHON3) && exitsZero(List.of(PYTHON3.toString(), "-c", "import numpy"));
    }
    return numpy;
  }

  private static boolean exitsZero(List<String> command) {
    try {
      Process probe = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
