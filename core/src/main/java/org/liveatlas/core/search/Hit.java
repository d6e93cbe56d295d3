package org.liveatlas.core.search;

import java.util.Objects;

/**
 * One search result: the id of a reference cell and its cosine distance to the query.
 *
 * @param id the reference cell's id (for an in-memory matrix, its row's id)
 * @param distance cosine distance on unit vectors, in {@code [0, 2]}
 */
public record Hit(String id, double distance) {

    public Hit {
        Objects.requireNonNull(id, "id");
        if (!(distance >= 0 && distance <= Distances.MAX_COSINE_DISTANCE)) {
            throw new IllegalArgumentException("hit " + id + ": cosine distance must be in [0, 2], got " + distance);
        }
    }
}
