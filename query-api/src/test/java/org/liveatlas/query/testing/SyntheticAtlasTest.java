package org.liveatlas.query.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.core.annotate.KnnVote;
import org.liveatlas.core.annotate.LabelFilter;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.annotate.VoteOptions;
import org.liveatlas.core.annotate.VoteWeighting;
import org.liveatlas.core.search.BruteForceSearch;
import org.liveatlas.core.search.Hit;

/**
 * The test atlas is fit for its purpose: with an exact search over its public reference, the query
 * study's known types are voted right and its absent type falls beyond the calibrated threshold. The
 * API's tests then check that the API reproduces this through OpenSearch.
 */
class SyntheticAtlasTest {
    static SyntheticAtlas atlas;

    @BeforeAll
    static void build() {
        atlas = SyntheticAtlas.build();
    }

    @Test
    void exactVoteOverThePublicReferenceSeparatesKnownTypesFromTheAbsentOne() {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (String s : List.of("synth01", "synth02")) {
            for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
                if (atlas.indexed(s, r)) {
                    ids.add(Integer.toString(ids.size()));
                    vectors.add(atlas.embedding(s, r));
                    labels.add(atlas.label(s, r));
                }
            }
        }
        BruteForceSearch search = new BruteForceSearch(ids, vectors.toArray(new float[0][]), 1);
        VoteOptions options = new VoteOptions(
                50, VoteWeighting.UNWEIGHTED, OptionalDouble.of(atlas.unknownThreshold()), LabelFilter.none());
        int known = 0;
        int knownRight = 0;
        int absent = 0;
        int absentUnknown = 0;
        for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
            List<Neighbour> n = new ArrayList<>();
            for (Hit h : search.nearest(atlas.embedding(SyntheticAtlas.QUERY_STUDY, r), 50)) {
                n.add(new Neighbour(labels.get(Integer.parseInt(h.id())), h.distance()));
            }
            CellVote v = KnnVote.vote(n, options);
            String truth = atlas.label(SyntheticAtlas.QUERY_STUDY, r);
            if (truth.equals(atlas.absentLabel())) {
                absent++;
                absentUnknown += v.unknown() ? 1 : 0;
            } else {
                known++;
                knownRight += v.label().equals(truth) ? 1 : 0;
            }
        }
        System.out.printf(
                "threshold %.5f: known %d/%d right, absent %d/%d unknown%n",
                atlas.unknownThreshold(), knownRight, known, absentUnknown, absent);
        assertThat(absent).isGreaterThan(20);
        assertThat((double) knownRight / known).isGreaterThanOrEqualTo(0.95);
        assertThat((double) absentUnknown / absent).isGreaterThanOrEqualTo(0.9);
    }
}
