package org.liveatlas.core.model;

import org.liveatlas.core.AtlasException;

/**
 * A model folder that cannot be read or written: a missing file, a malformed checkpoint, shapes
 * that disagree. Fatal for whoever loads the model; the message names the file and the remedy.
 */
public final class ModelFolderException extends AtlasException {
    public ModelFolderException(String message) {
        super(message);
    }

    public ModelFolderException(String message, Throwable cause) {
        super(message, cause);
    }
}
