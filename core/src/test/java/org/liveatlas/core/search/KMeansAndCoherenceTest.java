package org.liveatlas.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.matrix.CsrBatch;

class KMeansAndCoherenceTest {

    private static final int DIM = 16;

    private static float[][] concat(float[][]... parts) {
        List<float[]> all = new ArrayList<>();
        for (float[][] p : parts) {
            all.addAll(List.of(p));
        }
        return all.toArray(new float[0][]);
    }

    @Test
    void kMeansRecoversPlantedClusters() {
        float[][] points = concat(
                TestVectors.around(TestVectors.axis(DIM, 0), 60, 0.05, 1),
                TestVectors.around(TestVectors.axis(DIM, 1), 40, 0.05, 2),
                TestVectors.around(TestVectors.axis(DIM, 2), 50, 0.05, 3));

        KMeans.Result r = KMeans.cluster(points, KMeans.Options.of(3));

        int[] a = r.assignments();
        assertThat(new HashSet<>(List.of(a[0], a[60], a[100]))).hasSize(3);
        for (int i = 0; i < points.length; i++) {
            int planted = i < 60 ? a[0] : i < 100 ? a[60] : a[100];
            assertThat(a[i]).as("point %d", i).isEqualTo(planted);
        }
        assertThat(r.sizes()).containsExactlyInAnyOrder(60, 40, 50);
        assertThat(r.centroids()[a[0]][0]).isGreaterThan(0.9f);
    }

    @Test
    void kMeansIsDeterministicForASeed() {
        float[][] points = TestVectors.randomUnit(300, DIM, 4);

        KMeans.Result first = KMeans.cluster(points, KMeans.Options.of(10));
        KMeans.Result second = KMeans.cluster(points, KMeans.Options.of(10));

        assertThat(first).isEqualTo(second);
        assertThat(first.centroids()).hasNumberOfRows(10);
    }

    @Test
    void kMeansClampsClustersToThePointCount() {
        float[][] points = TestVectors.randomUnit(3, DIM, 5);

        KMeans.Result r = KMeans.cluster(points, KMeans.Options.of(10));

        assertThat(r.centroids()).hasNumberOfRows(3);
        assertThat(r.inertia()).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void coherentQueryOverlapsFullyAndMixedQueryNotAtAll() {
        // reference: groups around e0, e1, and C around (e0 + e1) / sqrt 2
        float[][] a = TestVectors.around(TestVectors.axis(DIM, 0), 300, 0.03, 10);
        float[][] b = TestVectors.around(TestVectors.axis(DIM, 1), 300, 0.03, 11);
        float[][] c = TestVectors.around(TestVectors.axis(DIM, 0, 1), 300, 0.03, 12);
        BruteForceSearch reference = BruteForceSearch.ofRows(concat(a, b, c), 2);

        // a coherent query: cells like C; the centroid's 300 hits are group C
        float[][] coherentCells = TestVectors.around(TestVectors.axis(DIM, 0, 1), 50, 0.03, 20);
        List<Hit> coherentHits = reference.nearest(Centroids.meanDirection(coherentCells), 300);
        QueryCoherence coherent = QueryCoherence.compute(reference, coherentCells, ids(coherentHits));

        // a mixed query: half like A, half like B; its centroid points at C, its clusters do not
        float[][] mixedCells = concat(
                TestVectors.around(TestVectors.axis(DIM, 0), 25, 0.03, 21),
                TestVectors.around(TestVectors.axis(DIM, 1), 25, 0.03, 22));
        List<Hit> mixedHits = reference.nearest(Centroids.meanDirection(mixedCells), 300);
        QueryCoherence mixed = QueryCoherence.compute(reference, mixedCells, ids(mixedHits));

        assertThat(coherent.queryCoherence()).isEqualTo(100.0);
        assertThat(coherent.fraction()).isEqualTo(1.0);
        assertThat(coherent.overlaps()).hasSize(10);
        assertThat(mixed.queryCoherence()).isEqualTo(0.0);
        assertThat(Arrays.stream(mixed.clusterSizes()).sum()).isEqualTo(50);
    }

    private static Set<String> ids(List<Hit> hits) {
        Set<String> s = new HashSet<>();
        hits.forEach(h -> s.add(h.id()));
        return s;
    }

    @Test
    void pseudobulkCentroidIsLogOfScaledSummedCounts() {
        // two cells over three genes: sums (1, 3, 4), total 8
        CsrBatch counts = new CsrBatch(2, 3, new int[] {0, 2, 4}, new int[] {0, 1, 1, 2}, new float[] {1, 1, 2, 4});

        float[] centroid = Centroids.pseudobulkLognorm(counts);

        assertThat(centroid[0]).isCloseTo((float) Math.log1p(1e4 / 8), within(1e-5f));
        assertThat(centroid[1]).isCloseTo((float) Math.log1p(3e4 / 8), within(1e-5f));
        assertThat(centroid[2]).isCloseTo((float) Math.log1p(4e4 / 8), within(1e-5f));
    }

    @Test
    void meanDirectionIsTheRenormalisedMean() {
        float[] m = Centroids.meanDirection(new float[][] {{1, 0}, {0, 1}});

        assertThat(m[0]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        assertThat(m[1]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
    }
}
