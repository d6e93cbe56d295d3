package org.liveatlas.core.search;

import java.util.List;

/**
 * Nearest-neighbour search over reference cell embeddings by cosine distance on unit vectors.
 *
 * <p>Contract for every implementation: queries are unit vectors of length {@link #dimension()};
 * each answer list is sorted by ascending cosine distance (ties by the backend's own order); the
 * filter is applied before the top-k selection, never after it.
 */
public interface NeighbourSearch {

    /** Length of the vectors searched. */
    int dimension();

    /** Number of reference cells searched. */
    int size();

    /**
     * The {@code k} nearest accepted reference cells of every query (fewer when fewer cells are
     * accepted), as SCimilarity's {@code search_nearest} without {@code max_dist}.
     */
    List<List<Hit>> nearest(float[][] queries, int k, HitFilter filter);

    /**
     * Every accepted reference cell within cosine distance {@code maxDist} (inclusive) of each
     * query, sorted by distance: SCimilarity's {@code search_exhaustive}.
     */
    List<List<Hit>> withinDistance(float[][] queries, double maxDist, HitFilter filter);

    /** {@link #nearest(float[][], int, HitFilter)} of one query without a filter. */
    default List<Hit> nearest(float[] query, int k) {
        return nearest(new float[][] {query}, k, HitFilter.ALL).get(0);
    }
}
