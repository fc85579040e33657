package dev.provpt.run;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a run ended. {@code summary} is summary.json's content when it succeeded, else empty;
 * {@code error} says why it did not.
 */
public record RunOutcome(Path runDirectory, boolean succeeded, String error, Map<String, Object> summary) {}
