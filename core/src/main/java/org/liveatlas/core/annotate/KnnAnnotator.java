package org.liveatlas.core.annotate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.liveatlas.core.search.Hit;
import org.liveatlas.core.search.HitFilter;
import org.liveatlas.core.search.NeighbourSearch;

/**
 * Annotates embeddings against a labelled reference: k-NN search, then the vote.
 *
 * <p>The label filter goes inside the search (SCimilarity marks blocked reference cells deleted in
 * its index), so each cell gets k accepted neighbours whenever the reference has them; reference
 * cells without a label never vote. Works with any {@link NeighbourSearch}.
 */
public final class KnnAnnotator {

    private final NeighbourSearch search;
    private final Map<String, String> labels;

    /**
     * @param search the reference search
     * @param labelsById label of each labelled reference cell, by the search's ids
     */
    public KnnAnnotator(NeighbourSearch search, Map<String, String> labelsById) {
        this.search = Objects.requireNonNull(search, "search");
        this.labels = Map.copyOf(labelsById);
    }

    /** Votes of the given unit-vector embeddings, one per row, in order. */
    public List<CellVote> annotate(float[][] embeddings, VoteOptions options) {
        Objects.requireNonNull(options, "options");
        LabelFilter filter = options.filter();
        HitFilter inSearch = id -> {
            String label = labels.get(id);
            return label != null && filter.accepts(label);
        };
        List<List<Hit>> hits = search.nearest(embeddings, options.k(), inSearch);
        List<CellVote> out = new ArrayList<>(hits.size());
        for (List<Hit> cell : hits) {
            List<Neighbour> ns = new ArrayList<>(cell.size());
            for (Hit h : cell) {
                ns.add(new Neighbour(labels.get(h.id()), h.distance()));
            }
            out.add(KnnVote.vote(ns, options));
        }
        return out;
    }
}
