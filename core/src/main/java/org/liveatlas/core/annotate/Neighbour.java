package org.liveatlas.core.annotate;

import java.util.Objects;

/**
 * One labelled reference cell near a query cell, as any search backend returns it.
 *
 * @param label the reference cell's label
 * @param distance cosine distance on unit vectors, in {@code [0, 2]}
 */
public record Neighbour(String label, double distance) {

    public Neighbour {
        Objects.requireNonNull(label, "label");
        if (!(distance >= 0 && distance <= 2)) {
            throw new IllegalArgumentException(
                    "neighbour labelled " + label + ": cosine distance must be in [0, 2], got " + distance);
        }
    }
}
