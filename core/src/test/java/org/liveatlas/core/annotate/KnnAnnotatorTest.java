package org.liveatlas.core.annotate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.search.BruteForceSearch;
import org.liveatlas.core.search.Distances;

class KnnAnnotatorTest {

    private static final int DIM = 8;

    private static float[] near(int axis, double noise, SplittableRandom r) {
        float[] v = new float[DIM];
        v[axis] = 1;
        for (int d = 0; d < DIM; d++) {
            v[d] += (float) (noise * (r.nextDouble() - 0.5));
        }
        return Distances.normalise(v);
    }

    /** 100 "T" cells near axis 0, 100 "B" near axis 1, 20 unlabelled near axis 0. */
    private static KnnAnnotator reference() {
        SplittableRandom r = new SplittableRandom(1);
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        Map<String, String> labels = new HashMap<>();
        for (int i = 0; i < 220; i++) {
            String id = "ref" + i;
            ids.add(id);
            vectors.add(near(i < 100 || i >= 200 ? 0 : 1, 0.2, r));
            if (i < 200) {
                labels.put(id, i < 100 ? "T" : "B");
            }
        }
        return new KnnAnnotator(new BruteForceSearch(ids, vectors.toArray(new float[0][]), 1), labels);
    }

    @Test
    void callsPlantedLabelsAndUnknownForAFarCell() {
        SplittableRandom r = new SplittableRandom(2);
        float[][] queries = {near(0, 0.2, r), near(1, 0.2, r), near(5, 0.0, r)};

        List<CellVote> votes =
                reference().annotate(queries, VoteOptions.defaults().withK(20).withUnknownMinDist(0.3));

        assertThat(votes).extracting(CellVote::label).containsExactly("T", "B", KnnVote.UNKNOWN);
        assertThat(votes.get(0).vsAll()).isEqualTo(1.0);
        assertThat(votes.get(0).neighbours()).isEqualTo(20);
    }

    @Test
    void blocklistInsideTheSearchStillGivesKNeighbours() {
        float[][] queries = {near(0, 0.0, new SplittableRandom(3))};

        CellVote v = reference()
                .annotate(queries, VoteOptions.defaults().withK(30).withFilter(LabelFilter.blocklist(List.of("T"))))
                .get(0);

        assertThat(v.label()).isEqualTo("B");
        assertThat(v.neighbours()).isEqualTo(30);
        assertThat(v.hits()).containsOnlyKeys("B");
    }
}
