package dev.provpt.rundir;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The writing end of a run's metrics.jsonl, held open for the whole run.
 *
 * <p>Opening it puts a new file in place (the epochs up to the one the run starts after are
 * kept) and keeps that file open. A writer that takes the run over later — a daemon node that
 * claimed the job after this one's lease ran out — puts its own new file in place the same way,
 * so whatever this writer appends afterwards lands in a file nobody reads any more. The write
 * guard alone cannot ensure that: a process paused between the guard's check and its write would
 * write one stale line after resuming.
 */
public final class MetricsLog implements Closeable {
  private final Path file;
  private final FileChannel channel;
  private final RunDirectory.WriteGuard guard;

  private MetricsLog(Path file, FileChannel channel, RunDirectory.WriteGuard guard) {
    this.file = file;
    this.channel = channel;
    this.guard = guard;
  }

  /** Takes over {@code root}'s metrics.jsonl, keeping the lines of epochs up to {@code keptEpochs}. */
  static MetricsLog open(Path root, RunDirectory.WriteGuard guard, int keptEpochs) {
    guard.check();
    Path file = root.resolve(RunDirectory.METRICS);
    Path aside = root.resolve(RunDirectory.METRICS + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(root);
      String kept = Files.exists(file) ? RunDirectory.metricsUpTo(file, keptEpochs) : "";
      FileChannel channel = FileChannel.open(aside, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND);
      try {
        write(channel, kept);
        Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        channel.close();
        Files.deleteIfExists(aside);
        throw e;
      }
      return new MetricsLog(file, channel, guard);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file + " for writing: " + e.getMessage(), e);
    }
  }

  /** Appends one epoch's record as a JSON line and forces it to disk. */
  public void append(EpochRecord record) {
    guard.check();
    try {
      write(channel, record.toJson() + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(FileChannel channel, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    channel.force(false);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to lose: every line was forced to disk as it was written
    }
  }
}
