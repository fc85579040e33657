package dev.provpt.config;

/** A configuration that cannot be used; the message names the key, the value and the origin. */
public class SettingsException extends RuntimeException {
  public SettingsException(String message) {
    super(message);
  }
}
