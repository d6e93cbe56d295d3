package org.liveatlas.core.annotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConsensusTest {

    private static CellVote vote(String... labelsNearestFirst) {
        List<Neighbour> ns = new ArrayList<>();
        for (int i = 0; i < labelsNearestFirst.length; i++) {
            ns.add(new Neighbour(labelsNearestFirst[i], 0.1 * (i + 1)));
        }
        return KnnVote.vote(ns, VoteOptions.defaults().withUnknownMinDist(0.25));
    }

    private static CellVote far(String label) {
        return KnnVote.vote(
                List.of(new Neighbour(label, 0.5)), VoteOptions.defaults().withUnknownMinDist(0.25));
    }

    @Test
    void majorityOfCellsTakesTheMostFrequentCallWithItsFraction() {
        List<CellVote> votes = List.of(vote("T", "T", "B"), vote("T"), vote("B", "B"), vote("B", "T", "T"));
        List<String> clusters = List.of("0", "0", "0", "1");

        List<ClusterCall> calls =
                ClusterConsensus.of(votes, clusters, ConsensusMethod.MAJORITY_OF_CELLS, VoteWeighting.UNWEIGHTED);

        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).cluster()).isEqualTo("0");
        assertThat(calls.get(0).label()).isEqualTo("T");
        assertThat(calls.get(0).fraction()).isCloseTo(2.0 / 3.0, within(1e-12));
        assertThat(calls.get(0).cells()).isEqualTo(3);
        assertThat(calls.get(0).support()).containsExactly(Map.entry("T", 2.0), Map.entry("B", 1.0));
        // cell 3's vote is T (2 of 3 neighbours), so cluster 1 is T
        assertThat(calls.get(1).label()).isEqualTo("T");
        assertThat(ClusterConsensus.perCell(clusters, calls)).containsExactly("T", "T", "T", "T");
    }

    @Test
    void majorityCanBeUnknownWhenMostCellsAreTooFar() {
        List<CellVote> votes = List.of(far("T"), far("T"), vote("T"));

        List<ClusterCall> calls = ClusterConsensus.of(
                votes, List.of("c", "c", "c"), ConsensusMethod.MAJORITY_OF_CELLS, VoteWeighting.UNWEIGHTED);

        assertThat(calls.get(0).label()).isEqualTo(KnnVote.UNKNOWN);
        assertThat(calls.get(0).fraction()).isCloseTo(2.0 / 3.0, within(1e-12));
    }

    @Test
    void pooledHitsSumsTheNeighbourVotesOfAllCells() {
        // cell calls: T, B, B; pooled hits: T = 3 + 0 + 1 = 4, B = 0 + 2 + 2 = 4 -> tie, T seen first
        List<CellVote> votes = List.of(vote("T", "T", "T"), vote("B", "B"), vote("B", "T", "B"));

        ClusterCall call = ClusterConsensus.of(
                        votes, List.of("k", "k", "k"), ConsensusMethod.POOLED_HITS, VoteWeighting.UNWEIGHTED)
                .get(0);

        assertThat(call.support()).containsExactly(Map.entry("T", 4.0), Map.entry("B", 4.0));
        assertThat(call.label()).isEqualTo("T");
        assertThat(call.fraction()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void pooledWeightedHitsSumTheInverseDistanceWeights() {
        // weights: cell 1 T at 0.1 -> 10; cell 2 B at 0.1 -> 10, T at 0.2 -> 5
        List<CellVote> votes = List.of(vote("T"), vote("B", "T"));

        ClusterCall call = ClusterConsensus.of(
                        votes, List.of("k", "k"), ConsensusMethod.POOLED_HITS, VoteWeighting.INVERSE_DISTANCE)
                .get(0);

        assertThat(call.support().get("T")).isCloseTo(15.0, within(1e-9));
        assertThat(call.support().get("B")).isCloseTo(10.0, within(1e-9));
        assertThat(call.label()).isEqualTo("T");
        assertThat(call.fraction()).isCloseTo(0.6, within(1e-9));
    }

    @Test
    void rejectsAClusterListOfTheWrongLength() {
        assertThatThrownBy(() -> ClusterConsensus.of(
                        List.of(vote("T")),
                        List.of("a", "b"),
                        ConsensusMethod.MAJORITY_OF_CELLS,
                        VoteWeighting.UNWEIGHTED))
                .hasMessageContaining("2 clusters for 1 cells");
    }
}
