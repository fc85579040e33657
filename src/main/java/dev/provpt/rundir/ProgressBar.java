package dev.provpt.rundir;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A one-line progress bar on stderr, redrawn in place after every batch — on a terminal only.
 * Anywhere else (CI, the daemon, {@code > file}) it prints nothing: the caller's one line per
 * epoch is the log.
 */
public final class ProgressBar {
  private final PrintStream out;
  private final String label;
  private final long total;
  private final boolean interactive;
  private final long started = System.nanoTime();
  private long done;
  private String status = "";

  public ProgressBar(String label, long total) {
    this(System.err, label, total, System.console() != null);
  }

  public ProgressBar(PrintStream out, String label, long total, boolean interactive) {
    this.out = out;
    this.label = label;
    this.total = Math.max(1, total);
    this.interactive = interactive;
  }

  public static ProgressBar silent() {
    return new ProgressBar(new PrintStream(java.io.OutputStream.nullOutputStream()), "", 1, false);
  }

  public void step(String newStatus) {
    done++;
    if (label.isEmpty() || !interactive) {
      return;
    }
    status = newStatus;
    draw();
  }

  public void finish() {
    if (interactive && !label.isEmpty()) {
      draw();
      out.println();
    }
  }

  private void draw() {
    out.print("\r" + line() + "   ");
    out.flush();
  }

  private String line() {
    int width = 30;
    int filled = (int) Math.min(width, width * done / total);
    double elapsed = (System.nanoTime() - started) / 1e9;
    double eta = done == 0 ? 0 : elapsed / done * (total - done);
    return String.format("%s [%s%s] %d/%d %s elapsed %s eta %s", label, "#".repeat(filled),
        ".".repeat(width - filled), done, total, status, format(elapsed), format(eta));
  }

  private static String format(double seconds) {
    Duration d = Duration.ofSeconds((long) seconds);
    return d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
        : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
  }
}
