package dev.provpt;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * What a piece of code printed, for tests of commands: its result, its stdout and its stderr. System.out and
 * System.err are swapped for the call and restored after it, also when it throws.
 */
public record Console<T>(T value, String out, String err) {
  /** Runs {@code body} with stdout and stderr captured apart. */
  public static <T> Console<T> capture(Supplier<T> body) {
    return run(body, false);
  }

  /** Runs {@code body} with stdout and stderr captured together, in the order printed, in {@link #out}. */
  public static <T> Console<T> captureTogether(Supplier<T> body) {
    return run(body, true);
  }

  /** {@link #captureTogether} for code without a result: what it printed on stdout and stderr. */
  public static String printed(Runnable body) {
    return captureTogether(() -> {
      body.run();
      return null;
    }).out();
  }

  private static <T> Console<T> run(Supplier<T> body, boolean together) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = together ? out : new ByteArrayOutputStream();
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = together ? outStream : new PrintStream(err, true, StandardCharsets.UTF_8)) {
      System.setOut(outStream);
      System.setErr(errStream);
      T value = body.get();
      return new Console<>(value, out.toString(StandardCharsets.UTF_8),
          together ? "" : err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }
}
