package org.liveatlas.query.search;

import java.util.Objects;

/**
 * One search result: an indexed cell and its cosine distance to the query.
 *
 * @param id document id {@code <study>:<cell>}
 * @param distance cosine distance on unit vectors, in [0, 2]
 * @param cell the cell's metadata
 */
public record CellHit(String id, double distance, CellMetadata cell) {
    public CellHit {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cell, "cell");
    }
}
