package org.liveatlas.trainer.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.core.annotate.KnnVote;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.annotate.VoteOptions;
import org.liveatlas.core.search.BruteForceSearch;
import org.liveatlas.core.search.Hit;
import org.liveatlas.core.search.HitFilter;

/** Annotates query embeddings against labelled reference embeddings with the core's search and vote. */
public final class Annotation {

    private Annotation() {}

    /**
     * The k-nearest vote (unweighted, SCimilarity's default) of every query, with no unknown threshold
     * (the caller applies one to {@code minDist}).
     */
    public static List<CellVote> vote(
            float[][] reference, List<String> referenceLabels, float[][] queries, int k, int threads) {
        BruteForceSearch search = BruteForceSearch.ofRows(reference, threads);
        List<List<Hit>> hits = search.nearest(queries, Math.min(k, reference.length), HitFilter.ALL);
        List<List<Neighbour>> neighbours = new ArrayList<>(hits.size());
        for (List<Hit> h : hits) {
            List<Neighbour> n = new ArrayList<>(h.size());
            for (Hit hit : h) {
                n.add(new Neighbour(referenceLabels.get(Integer.parseInt(hit.id())), hit.distance()));
            }
            neighbours.add(n);
        }
        VoteOptions options = VoteOptions.defaults().withK(k);
        return KnnVote.voteAll(
                neighbours, new VoteOptions(k, options.weighting(), OptionalDouble.empty(), options.filter()));
    }
}
