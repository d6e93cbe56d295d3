package org.liveatlas.schemas.events;

/**
 * Cell counts of a study through the pipeline; {@code cellsTotal} may be null while unknown.
 */
public record CellCounts(Long cellsTotal, long cellsRead, long cellsKept, long cellsEmbedded, long cellsIndexed) {
    public CellCounts {
        if (cellsRead < 0
                || cellsKept < 0
                || cellsEmbedded < 0
                || cellsIndexed < 0
                || (cellsTotal != null && cellsTotal < 0)) {
            throw new IllegalArgumentException("cell counts must not be negative: read " + cellsRead + ", kept "
                    + cellsKept + ", embedded " + cellsEmbedded + ", indexed " + cellsIndexed);
        }
    }
}
