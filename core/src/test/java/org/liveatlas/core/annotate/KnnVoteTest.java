package org.liveatlas.core.annotate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KnnVoteTest {

    private static final double EPS = 1e-12;

    private static Neighbour n(String label, double d) {
        return new Neighbour(label, d);
    }

    private static final List<Neighbour> SIX =
            List.of(n("A", 0.1), n("B", 0.2), n("A", 0.3), n("C", 0.4), n("B", 0.5), n("A", 0.6));

    @Test
    void unweightedVoteGivesHandComputedStatistics() {
        CellVote v = KnnVote.vote(SIX, VoteOptions.defaults());

        assertThat(v.label()).isEqualTo("A");
        assertThat(v.votedLabel()).isEqualTo("A");
        assertThat(v.unknown()).isFalse();
        assertThat(v.neighbours()).isEqualTo(6);
        assertThat(v.hits()).containsExactly(Map.entry("A", 3), Map.entry("B", 2), Map.entry("C", 1));
        assertThat(v.minDist()).isEqualTo(0.1);
        assertThat(v.maxDist()).isEqualTo(0.6);
        assertThat(v.vs2nd()).isCloseTo(3.0 / 5.0, within(EPS));
        assertThat(v.vsAll()).isCloseTo(3.0 / 6.0, within(EPS));
        // weights 1/d: A = 10 + 10/3 + 10/6 = 15, B = 5 + 2 = 7, C = 2.5
        assertThat(v.hitsWeighted().get("A")).isCloseTo(15.0, within(1e-9));
        assertThat(v.hitsWeighted().get("B")).isCloseTo(7.0, within(1e-9));
        assertThat(v.hitsWeighted().get("C")).isCloseTo(2.5, within(1e-9));
        assertThat(v.vs2ndWeighted()).isCloseTo(15.0 / 22.0, within(1e-9));
        assertThat(v.vsAllWeighted()).isCloseTo(15.0 / 24.5, within(1e-9));
    }

    @Test
    void weightedVotePicksTheCloseLabelWhileCountStatisticsStayUnweighted() {
        List<Neighbour> ns = List.of(n("A", 0.5), n("A", 0.5), n("A", 0.5), n("B", 0.01));

        CellVote unweighted = KnnVote.vote(ns, VoteOptions.defaults());
        CellVote weighted = KnnVote.vote(ns, VoteOptions.defaults().withWeighting(VoteWeighting.INVERSE_DISTANCE));

        assertThat(unweighted.label()).isEqualTo("A");
        assertThat(weighted.label()).isEqualTo("B");
        // as SCimilarity: vs2nd/vsAll come from sorted counts whatever the weighting
        assertThat(weighted.vs2nd()).isCloseTo(3.0 / 4.0, within(EPS));
        assertThat(weighted.vsAll()).isCloseTo(3.0 / 4.0, within(EPS));
        assertThat(weighted.vs2ndWeighted()).isCloseTo(100.0 / 106.0, within(1e-9));
        assertThat(weighted.vsAllWeighted()).isCloseTo(100.0 / 106.0, within(1e-9));
        assertThat(unweighted.vs2ndWeighted()).isEqualTo(weighted.vs2ndWeighted());
    }

    @Test
    void tieGoesToTheLabelWhoseNearestMemberIsClosestWhateverTheInputOrder() {
        List<Neighbour> ns = new ArrayList<>(List.of(n("A", 0.2), n("B", 0.4), n("A", 0.3), n("B", 0.1)));
        Collections.reverse(ns);

        CellVote v = KnnVote.vote(ns, VoteOptions.defaults());

        assertThat(v.label()).isEqualTo("B");
        assertThat(v.hits()).containsExactly(Map.entry("B", 2), Map.entry("A", 2));
        assertThat(v.vs2nd()).isCloseTo(0.5, within(EPS));
    }

    @Test
    void equalDistancesKeepTheBackendOrderForTies() {
        CellVote v = KnnVote.vote(List.of(n("X", 0.3), n("Y", 0.3)), VoteOptions.defaults());

        assertThat(v.label()).isEqualTo("X");
    }

    @Test
    void onlyTheKNearestVote() {
        CellVote v = KnnVote.vote(SIX, VoteOptions.defaults().withK(3));

        assertThat(v.neighbours()).isEqualTo(3);
        assertThat(v.hits()).containsExactly(Map.entry("A", 2), Map.entry("B", 1));
        assertThat(v.maxDist()).isEqualTo(0.3);
        assertThat(v.vs2nd()).isCloseTo(2.0 / 3.0, within(EPS));
    }

    @Test
    void kOfOneStillReportsStatistics() {
        CellVote v = KnnVote.vote(SIX, VoteOptions.defaults().withK(1));

        assertThat(v.label()).isEqualTo("A");
        assertThat(v.vs2nd()).isEqualTo(1.0);
        assertThat(v.vsAll()).isEqualTo(1.0);
        assertThat(v.minDist()).isEqualTo(v.maxDist()).isEqualTo(0.1);
    }

    @Test
    void singleLabelGivesRatiosOfOne() {
        CellVote v = KnnVote.vote(List.of(n("T", 0.2), n("T", 0.25)), VoteOptions.defaults());

        assertThat(v.vs2nd()).isEqualTo(1.0);
        assertThat(v.vsAll()).isEqualTo(1.0);
        assertThat(v.vs2ndWeighted()).isEqualTo(1.0);
        assertThat(v.vsAllWeighted()).isEqualTo(1.0);
    }

    @Test
    void exactMatchWeighsOneOverTheDistanceFloor() {
        CellVote v = KnnVote.vote(List.of(n("A", 0.0), n("B", 0.5)), VoteOptions.defaults());

        assertThat(v.hitsWeighted().get("A")).isEqualTo(1e6);
        assertThat(v.vs2ndWeighted()).isCloseTo(1e6 / (1e6 + 2.0), within(EPS));
    }

    @Test
    void callsUnknownOnlyWhenMinDistExceedsTheThreshold() {
        VoteOptions options = VoteOptions.defaults().withUnknownMinDist(0.1);

        CellVote atThreshold = KnnVote.vote(SIX, options);
        CellVote beyond = KnnVote.vote(List.of(n("A", 0.15), n("A", 0.2)), options);

        assertThat(atThreshold.unknown()).isFalse();
        assertThat(atThreshold.label()).isEqualTo("A");
        assertThat(beyond.unknown()).isTrue();
        assertThat(beyond.label()).isEqualTo(KnnVote.UNKNOWN);
        assertThat(beyond.votedLabel()).isEqualTo("A");
        assertThat(beyond.minDist()).isEqualTo(0.15);
    }

    @Test
    void blocklistedLabelsAreSkippedAndFartherNeighboursTakeTheirPlace() {
        VoteOptions options = VoteOptions.defaults().withK(3).withFilter(LabelFilter.blocklist(List.of("A")));

        CellVote v = KnnVote.vote(SIX, options);

        assertThat(v.hits()).containsExactly(Map.entry("B", 2), Map.entry("C", 1));
        assertThat(v.label()).isEqualTo("B");
        assertThat(v.minDist()).isEqualTo(0.2);
        assertThat(v.maxDist()).isEqualTo(0.5);
    }

    @Test
    void safelistKeepsOnlyItsLabels() {
        VoteOptions options = VoteOptions.defaults().withFilter(LabelFilter.safelist(List.of("C", "B")));

        CellVote v = KnnVote.vote(SIX, options);

        assertThat(v.hits()).containsOnlyKeys("B", "C");
        assertThat(v.label()).isEqualTo("B");
        assertThat(v.vsAll()).isCloseTo(2.0 / 3.0, within(EPS));
    }

    @Test
    void cellWithNoVotingNeighbourIsUnknownWithNaNStatistics() {
        VoteOptions options = VoteOptions.defaults().withFilter(LabelFilter.safelist(List.of("Z")));

        CellVote v = KnnVote.vote(SIX, options);

        assertThat(v.label()).isEqualTo(KnnVote.UNKNOWN);
        assertThat(v.unknown()).isTrue();
        assertThat(v.neighbours()).isZero();
        assertThat(v.minDist()).isNaN();
        assertThat(v.vsAll()).isNaN();
        assertThat(v.hits()).isEmpty();
    }

    @Test
    void votesEveryCellInOrder() {
        List<CellVote> votes = KnnVote.voteAll(List.of(SIX, List.of(n("Q", 0.3))), VoteOptions.defaults());

        assertThat(votes).extracting(CellVote::label).containsExactly("A", "Q");
    }

    @Test
    void rejectsInvalidOptionsAndNeighbours() {
        assertThatThrownBy(() -> VoteOptions.defaults().withK(0)).hasMessageContaining("k must be >= 1");
        assertThatThrownBy(() -> LabelFilter.safelist(List.of())).hasMessageContaining("empty safelist");
        assertThatThrownBy(() -> n("A", -0.5)).hasMessageContaining("neighbour labelled A");
        assertThatThrownBy(() -> n("A", Double.NaN)).hasMessageContaining("[0, 2]");
        assertThatThrownBy(() -> VoteOptions.defaults().withUnknownMinDist(3))
                .hasMessageContaining("unknown threshold");
    }

    @Test
    void labelFilterModesAcceptAsSCimilarityMarksDeleted() {
        assertThat(LabelFilter.none().accepts("anything")).isTrue();
        assertThat(LabelFilter.safelist(List.of("T")).accepts("T")).isTrue();
        assertThat(LabelFilter.safelist(List.of("T")).accepts("B")).isFalse();
        assertThat(LabelFilter.blocklist(List.of("T")).accepts("T")).isFalse();
        assertThat(LabelFilter.blocklist(List.of("T")).accepts("B")).isTrue();
    }

    @Test
    void resultMapsAreImmutable() {
        CellVote v = KnnVote.vote(SIX, VoteOptions.defaults());

        assertThatThrownBy(() -> v.hits().put("Z", 1)).isInstanceOf(UnsupportedOperationException.class);
    }
}
