package org.liveatlas.core.search;

/**
 * Which reference cells a search may return, decided by id before the top-k selection (so a
 * filtered search still returns k hits when k acceptable cells exist), like SCimilarity's
 * {@code mark_deleted} and OpenSearch's filter inside the k-NN query.
 */
@FunctionalInterface
public interface HitFilter {

    /** Accepts every cell. */
    HitFilter ALL = id -> true;

    /** Whether the cell with this id may be returned. */
    boolean accepts(String id);
}
