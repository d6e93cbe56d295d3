package org.liveatlas.core;

/** Bad input (a corrupt or unusable study, a malformed request): quarantine it, never retry. */
public class PoisonInputException extends AtlasException {
    public PoisonInputException(String message) {
        super(message);
    }

    public PoisonInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
