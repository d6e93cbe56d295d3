package org.liveatlas.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BruteForceSearchTest {

    /** Every row's distance, sorted by distance then row: the definition of the exact answer. */
    private static List<Hit> naive(float[][] ref, float[] q, Predicate<String> accept) {
        List<Hit> all = new ArrayList<>();
        for (int r = 0; r < ref.length; r++) {
            if (accept.test(Integer.toString(r))) {
                all.add(new Hit(Integer.toString(r), Distances.cosineDistance(q, ref[r])));
            }
        }
        all.sort(Comparator.comparingDouble(Hit::distance)); // stable: ties keep row order
        return all;
    }

    private static void assertSameHits(List<Hit> actual, List<Hit> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).id())
                    .as("rank %d", i)
                    .isEqualTo(expected.get(i).id());
            assertThat(actual.get(i).distance())
                    .as("rank %d", i)
                    .isCloseTo(expected.get(i).distance(), org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    @Test
    void nearestEqualsANaiveSortOfAllDistancesWithOneAndTwoThreads() {
        float[][] ref = TestVectors.randomUnit(3000, 32, 1);
        float[][] queries = TestVectors.randomUnit(25, 32, 2);
        for (int threads : new int[] {1, 2}) {
            List<List<Hit>> got = BruteForceSearch.ofRows(ref, threads).nearest(queries, 50, HitFilter.ALL);
            for (int q = 0; q < queries.length; q++) {
                assertSameHits(got.get(q), naive(ref, queries[q], id -> true).subList(0, 50));
            }
        }
    }

    @Test
    void aSingleQuerySplitOverRowShardsGivesTheSameAnswer() {
        float[][] ref = TestVectors.randomUnit(20_000, 16, 5);
        float[] q = TestVectors.randomUnit(1, 16, 6)[0];

        List<Hit> got = BruteForceSearch.ofRows(ref, 4)
                .nearest(new float[][] {q}, 100, HitFilter.ALL)
                .get(0);

        assertSameHits(got, naive(ref, q, id -> true).subList(0, 100));
    }

    @Test
    void filterIsAppliedBeforeTheTopKSelection() {
        float[][] ref = TestVectors.randomUnit(2000, 16, 7);
        float[][] queries = TestVectors.randomUnit(5, 16, 8);
        Predicate<String> even = id -> Integer.parseInt(id) % 2 == 0;

        List<List<Hit>> got = BruteForceSearch.ofRows(ref, 2).nearest(queries, 30, even::test);

        for (int q = 0; q < queries.length; q++) {
            assertThat(got.get(q)).hasSize(30).allMatch(h -> even.test(h.id()));
            assertSameHits(got.get(q), naive(ref, queries[q], even).subList(0, 30));
        }
    }

    @Test
    void returnsFewerThanKWhenFewerCellsAreAccepted() {
        float[][] ref = TestVectors.randomUnit(100, 8, 9);

        List<Hit> got = BruteForceSearch.ofRows(ref, 1)
                .nearest(new float[][] {ref[0]}, 50, id -> Integer.parseInt(id) < 10)
                .get(0);

        assertThat(got).hasSize(10);
        assertThat(got.get(0).id()).isEqualTo("0");
        assertThat(got.get(0).distance()).isLessThan(1e-6);
    }

    @Test
    void withinDistanceReturnsEveryCellInsideTheRadiusSorted() {
        float[][] ref = TestVectors.randomUnit(3000, 8, 11);
        float[][] queries = TestVectors.randomUnit(4, 8, 12);
        double maxDist = 0.2;

        List<List<Hit>> got = BruteForceSearch.ofRows(ref, 2).withinDistance(queries, maxDist, HitFilter.ALL);

        for (int q = 0; q < queries.length; q++) {
            List<Hit> expected = naive(ref, queries[q], id -> true).stream()
                    .filter(h -> h.distance() <= maxDist)
                    .toList();
            assertThat(expected).isNotEmpty();
            assertSameHits(got.get(q), expected);
        }
    }

    @Test
    void keepsCallerIdsAndTiesInRowOrder() {
        float[] a = TestVectors.axis(4, 0);
        float[] b = TestVectors.axis(4, 1);
        BruteForceSearch s = new BruteForceSearch(List.of("x", "y", "z"), new float[][] {b, a, a}, 1);

        List<Hit> got = s.nearest(a, 3);

        assertThat(got).extracting(Hit::id).containsExactly("y", "z", "x");
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.dimension()).isEqualTo(4);
    }

    @Test
    void rejectsVectorsThatAreNotUnitLength() {
        float[][] ref = {{1, 0}, {3, 4}};

        assertThatThrownBy(() -> BruteForceSearch.ofRows(ref, 1))
                .hasMessageContaining("reference row 1")
                .hasMessageContaining("normalise");
        BruteForceSearch ok = BruteForceSearch.ofRows(new float[][] {{1, 0}}, 1);
        assertThatThrownBy(() -> ok.nearest(new float[] {2, 0}, 1)).hasMessageContaining("query 0");
        assertThatThrownBy(() -> ok.nearest(new float[] {1, 0, 0}, 1)).hasMessageContaining("length 3");
    }

    @Test
    void rejectsDuplicateIds() {
        float[][] v = TestVectors.randomUnit(2, 4, 1);

        assertThatThrownBy(() -> new BruteForceSearch(List.of("c", "c"), v, 1)).hasMessageContaining("duplicate id c");
    }

    @Test
    void everyIdIsReachable() {
        float[][] ref = TestVectors.randomUnit(64, 8, 13);
        BruteForceSearch s = BruteForceSearch.ofRows(ref, 2);

        List<List<Hit>> self = s.nearest(ref, 1, HitFilter.ALL);

        assertThat(IntStream.range(0, ref.length)
                        .mapToObj(i -> self.get(i).get(0).id()))
                .containsExactlyElementsOf(IntStream.range(0, ref.length)
                        .mapToObj(Integer::toString)
                        .toList());
    }
}
