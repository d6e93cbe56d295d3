package org.liveatlas.schemas;

import java.util.Objects;

/**
 * One way a document breaks its contract.
 *
 * @param pointer JSON pointer (RFC 6901) of the offending field, {@code ""} for the whole document
 * @param problem what is wrong with it, in words
 */
public record ValidationError(String pointer, String problem) {
    public ValidationError {
        Objects.requireNonNull(pointer, "pointer");
        Objects.requireNonNull(problem, "problem");
    }

    @Override
    public String toString() {
        return (pointer.isEmpty() ? "(document)" : pointer) + ": " + problem;
    }
}
