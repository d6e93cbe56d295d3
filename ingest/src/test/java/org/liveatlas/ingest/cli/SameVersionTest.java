package org.liveatlas.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.liveatlas.ingest.store.StoredObject;
import org.liveatlas.schemas.events.CellCounts;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;

class SameVersionTest {
    private static final String V1 = "sha256:" + "1".repeat(64);
    private static final String V2 = "sha256:" + "2".repeat(64);
    private static final Instant T = Instant.parse("2026-03-01T10:15:30Z");

    @Test
    void theIndexedStatusOfTheDepositedVersionSettlesIt() {
        assertThat(SameVersion.settled(Optional.of(indexed(V1)), V1)).contains(indexed(V1));
        assertThat(SameVersion.settled(Optional.of(quarantined(V1)), V1)).contains(quarantined(V1));
    }

    @Test
    void anotherVersionOrAStatusStillOnItsWaySettlesNothing() {
        assertThat(SameVersion.settled(Optional.of(indexed(V1)), V2)).isEmpty();
        assertThat(SameVersion.settled(Optional.of(quarantined(V1)), V2)).isEmpty();
        assertThat(SameVersion.settled(Optional.of(StudyStatus.simple("s1", V1, StudyState.RECEIVED, T)), V1))
                .isEmpty();
        assertThat(SameVersion.settled(
                        Optional.of(new StudyStatus(
                                1,
                                StudyStatus.EVENT_TYPE,
                                "s1",
                                V1,
                                StudyState.INDEXING,
                                T,
                                "m1",
                                new CellCounts(10L, 10, 10, 10, 4),
                                null,
                                null)),
                        V1))
                .isEmpty();
        // a withdrawal is final too, but the next deposit of the same files is a new deposit to follow
        assertThat(SameVersion.settled(Optional.of(StudyStatus.simple("s1", V1, StudyState.WITHDRAWN, T)), V1))
                .isEmpty();
        assertThat(SameVersion.settled(Optional.empty(), V1)).isEmpty();
    }

    @Test
    void anIndexedVersionIsAnsweredWithItsCellsAndSince() {
        assertThat(SameVersion.describe(indexed(V1)))
                .isEqualTo("study s1: version " + V1
                        + " is already indexed (1234 cells, since 2026-03-01T10:15:30Z); nothing to do");
    }

    @Test
    void aQuarantinedVersionIsAnsweredWithItsReason() {
        assertThat(SameVersion.describe(quarantined(V1)))
                .isEqualTo("study s1: version " + V1 + " is quarantined (since 2026-03-01T10:15:30Z): missing"
                        + " study.json; the same files are not checked again: correct them or study.json and"
                        + " deposit again");
    }

    @Test
    void onlyTheSameKeysWithTheSameSizesAreWorthReadingForTheirEtags() {
        List<StoredObject> stored = List.of(
                new StoredObject("deposits/s1/a.h5ad", 100, "e1", T),
                new StoredObject("deposits/s1/study.json", 20, "e2", T));

        assertThat(SameVersion.sameKeysAndSizes(
                        Map.of("deposits/s1/a.h5ad", 100L, "deposits/s1/study.json", 20L), stored))
                .isTrue();
        assertThat(SameVersion.sameKeysAndSizes(
                        Map.of("deposits/s1/a.h5ad", 101L, "deposits/s1/study.json", 20L), stored))
                .isFalse();
        assertThat(SameVersion.sameKeysAndSizes(Map.of("deposits/s1/study.json", 20L), stored))
                .isFalse();
    }

    private static StudyStatus indexed(String version) {
        return new StudyStatus(
                1,
                StudyStatus.EVENT_TYPE,
                "s1",
                version,
                StudyState.INDEXED,
                T,
                "m1",
                null,
                new CellCounts(1300L, 1300, 1250, 1250, 1234),
                null);
    }

    private static StudyStatus quarantined(String version) {
        return StudyStatus.quarantined("s1", version, "missing study.json", T);
    }
}
