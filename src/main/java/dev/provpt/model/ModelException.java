package dev.provpt.model;

/** A model file or directory that cannot be used; the message names the file and the problem. */
public class ModelException extends RuntimeException {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
