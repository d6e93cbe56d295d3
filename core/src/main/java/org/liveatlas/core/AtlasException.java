package org.liveatlas.core;

/**
 * Root of every LiveAtlas failure. Messages name the entity, the offending value and the remedy.
 *
 * <p>Subclasses say how a caller should react: {@link PoisonInputException} (bad input: quarantine,
 * never retry), {@link TransientException} (retry with backoff), anything else is fatal.
 */
public class AtlasException extends RuntimeException {
    public AtlasException(String message) {
        super(message);
    }

    public AtlasException(String message, Throwable cause) {
        super(message, cause);
    }
}
