package org.liveatlas.flink.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RebuildPlanTest {
    private static final RebuildPlan.Expected REF = new RebuildPlan.Expected("ref", "v1", 100, true);
    private static final RebuildPlan.Expected A = new RebuildPlan.Expected("a", "v1", 50, false);

    @Test
    void anEmptyBuildingIndexNeedsEveryStudyReferenceStudiesFirst() {
        RebuildPlan plan = RebuildPlan.of(List.of(REF, A), Set.of(), Map.of(), Set.of());
        assertThat(plan.embed()).containsExactly(REF, A);
        assertThat(plan.drop()).isEmpty();
        assertThat(RebuildPlan.missing(List.of(REF, A), Set.of(), Map.of())).hasSize(2);
    }

    @Test
    void aStudyWrittenByTheDualWriteWithItsFullCountIsNotEmbeddedAgain() {
        Map<String, Map<String, Long>> present = Map.of("ref", Map.of("v1", 100L), "a", Map.of("v1", 50L));
        assertThat(RebuildPlan.of(List.of(REF, A), Set.of(), present, Set.of()).done())
                .isTrue();
        assertThat(RebuildPlan.missing(List.of(REF, A), Set.of(), present)).isEmpty();
    }

    @Test
    void aStudyDualWrittenBeforeTheReferenceWasRebuiltIsEmbeddedAgainAfterIt() {
        Map<String, Map<String, Long>> present = Map.of("a", Map.of("v1", 50L));
        assertThat(RebuildPlan.of(List.of(REF, A), Set.of(), present, Set.of()).embed())
                .containsExactly(REF, A);
        Map<String, Map<String, Long>> later = Map.of("ref", Map.of("v1", 100L), "a", Map.of("v1", 50L));
        assertThat(RebuildPlan.of(List.of(REF, A), Set.of(), later, Set.of("ref@v1"))
                        .done())
                .isTrue();
    }

    @Test
    void aPartlyWrittenStudyFromAnInterruptedRunIsEmbeddedAgain() {
        Map<String, Map<String, Long>> present = Map.of("ref", Map.of("v1", 100L), "a", Map.of("v1", 20L));
        assertThat(RebuildPlan.of(List.of(REF, A), Set.of(), present, Set.of()).embed())
                .containsExactly(A);
    }

    @Test
    void aNewVersionDuringTheRebuildIsEmbeddedAgainEvenIfThisRunDidTheOldOne() {
        RebuildPlan.Expected a2 = new RebuildPlan.Expected("a", "v2", 30, false);
        Map<String, Map<String, Long>> present = Map.of("ref", Map.of("v1", 100L), "a", Map.of("v1", 50L));
        RebuildPlan plan = RebuildPlan.of(List.of(REF, a2), Set.of(), present, Set.of("ref@v1", "a@v1"));
        assertThat(plan.embed()).containsExactly(a2);
        assertThat(RebuildPlan.missing(List.of(REF, a2), Set.of(), present))
                .singleElement()
                .asString()
                .contains("a");
    }

    @Test
    void aWithdrawnStudyStillInTheBuildingIndexIsDropped() {
        Map<String, Map<String, Long>> present = Map.of("ref", Map.of("v1", 100L), "gone", Map.of("v1", 10L));
        RebuildPlan plan = RebuildPlan.of(List.of(REF), Set.of("gone"), present, Set.of());
        assertThat(plan.embed()).isEmpty();
        assertThat(plan.drop()).containsExactly("gone");
        assertThat(RebuildPlan.missing(List.of(REF), Set.of("gone"), present))
                .singleElement()
                .asString()
                .contains("gone");
    }

    @Test
    void aFirstDepositStillInFlightStaysInTheBuildingIndexAndDoesNotHoldUpTheSwap() {
        Map<String, Map<String, Long>> present = Map.of("ref", Map.of("v1", 100L), "new", Map.of("v1", 10L));
        assertThat(RebuildPlan.of(List.of(REF), Set.of(), present, Set.of()).done())
                .isTrue();
        assertThat(RebuildPlan.missing(List.of(REF), Set.of(), present)).isEmpty();
    }

    @Test
    void aStudyEmbeddedInThisRunIsTrustedOnItsVersionSoAMismatchedCountDoesNotLoop() {
        Map<String, Map<String, Long>> present = Map.of("ref", Map.of("v1", 99L));
        assertThat(RebuildPlan.of(List.of(REF), Set.of(), present, Set.of()).embed())
                .containsExactly(REF);
        assertThat(RebuildPlan.of(List.of(REF), Set.of(), present, Set.of("ref@v1"))
                        .done())
                .isTrue();
    }

    @Test
    void aStudyWithNoKeptCellsIsCompleteWithoutDocuments() {
        RebuildPlan.Expected empty = new RebuildPlan.Expected("empty", "v1", 0, false);
        assertThat(RebuildPlan.of(List.of(empty), Set.of(), Map.of(), Set.of()).done())
                .isTrue();
        assertThat(RebuildPlan.missing(List.of(empty), Set.of(), Map.of())).isEmpty();
    }
}
