package dev.provpt.train;

/** Training cannot go on (a NaN loss, a broken invariant); the message says why and what to change. */
public class TrainingException extends RuntimeException {
  public TrainingException(String message) {
    super(message);
  }
}
