package org.liveatlas.infra.stack;

/** A stack service could not be started, reached or stopped; the message names the service and the fix. */
public final class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
