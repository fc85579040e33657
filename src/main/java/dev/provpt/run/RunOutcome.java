package dev.provpt.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a run ended. {@code summary} is summary.json's content when it succeeded, else empty;
 * {@code error} says why it did not, and {@code cause} is the exception behind it, when there was
 * one (the daemon tells the job's own failures from the infrastructure's by it).
 */
public record RunOutcome(Path runDirectory, boolean succeeded, String error, Map<String, Object> summary,
    Throwable cause) {
  public RunOutcome(Path runDirectory, boolean succeeded, String error, Map<String, Object> summary) {
    this(runDirectory, succeeded, error, summary, null);
  }
}
