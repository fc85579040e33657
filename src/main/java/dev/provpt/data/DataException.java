package dev.provpt.data;

/** A data file or data set that is missing, malformed or inconsistent; the message names the culprit. */
public final class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
