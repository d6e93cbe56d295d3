package org.liveatlas.core;

/** A failure that may pass by itself (a server briefly unavailable): retry with bounded backoff. */
public class TransientException extends AtlasException {
    public TransientException(String message) {
        super(message);
    }

    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
