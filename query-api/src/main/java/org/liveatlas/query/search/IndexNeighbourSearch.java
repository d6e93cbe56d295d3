package org.liveatlas.query.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.liveatlas.core.search.Hit;
import org.liveatlas.core.search.HitFilter;
import org.liveatlas.core.search.NeighbourSearch;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * The cells index as the core's {@link NeighbourSearch}, restricted to what {@code filter} accepts (the
 * caller's visibility always among it), so core algorithms such as the query coherence run on it.
 * The core's id filter cannot be pushed into OpenSearch; only {@link HitFilter#ALL} is accepted.
 */
final class IndexNeighbourSearch implements NeighbourSearch {
    private final CellIndex index;
    private final Query filter;
    private final int dimension;
    private final int maxHits;

    IndexNeighbourSearch(CellIndex index, Query filter, int dimension, int maxHits) {
        this.index = index;
        this.filter = filter;
        this.dimension = dimension;
        this.maxHits = maxHits;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, index.count(filter));
    }

    @Override
    public List<List<Hit>> nearest(float[][] queries, int k, HitFilter hitFilter) {
        requireAll(hitFilter);
        return toCore(index.nearest(Arrays.asList(queries), k, filter));
    }

    @Override
    public List<List<Hit>> withinDistance(float[][] queries, double maxDist, HitFilter hitFilter) {
        requireAll(hitFilter);
        return toCore(index.radius(Arrays.asList(queries), maxDist, filter, maxHits));
    }

    private static void requireAll(HitFilter f) {
        if (f != HitFilter.ALL) {
            throw new IllegalArgumentException("the index search filters by metadata, not by a Java id filter");
        }
    }

    private static List<List<Hit>> toCore(List<List<CellHit>> lists) {
        List<List<Hit>> out = new ArrayList<>(lists.size());
        for (List<CellHit> l : lists) {
            List<Hit> hits = new ArrayList<>(l.size());
            for (CellHit h : l) {
                hits.add(new Hit(h.id(), h.distance()));
            }
            out.add(hits);
        }
        return out;
    }
}
