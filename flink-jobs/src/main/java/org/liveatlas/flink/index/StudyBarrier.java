package org.liveatlas.flink.index;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.liveatlas.core.qc.QcReport;
import org.liveatlas.schemas.study.StudyMetadata;

/**
 * The payload of the barrier that ends a study version in the sink: what to publish once every document
 * before it is acknowledged. Serialised as JSON inside a {@link org.liveatlas.flink.opensearch.BulkAction}.
 *
 * @param outcome what happened to the study version
 * @param index the cells index its documents went to and counted in (null for a withdrawal: every cells index)
 * @param alsoIndexes the indexes being built by a re-index that the version was also written to (dual write)
 * @param qc the QC report (indexed studies only)
 * @param study the deposit's metadata (null for a withdrawal)
 * @param reason why (quarantined, withdrawn), else null
 */
public record StudyBarrier(
        Outcome outcome,
        String studyId,
        String depositVersion,
        String modelVersion,
        String index,
        Long cellsTotal,
        long cellsRead,
        long cellsKept,
        long cellsEmbedded,
        QcReport qc,
        StudyMetadata study,
        Instant depositedAt,
        String reason,
        List<String> alsoIndexes) {

    /** What a barrier concludes. */
    public enum Outcome {
        INDEXED,
        QUARANTINED,
        WITHDRAWN
    }

    public StudyBarrier {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(studyId, "studyId");
        alsoIndexes = alsoIndexes == null ? List.of() : List.copyOf(alsoIndexes);
    }

    /** Every index the version was written to: {@code index} first, then {@code alsoIndexes}. */
    public List<String> writtenIndexes() {
        List<String> all = new ArrayList<>();
        if (index != null) {
            all.add(index);
        }
        all.addAll(alsoIndexes);
        return all;
    }

    /** The group under which the sink counts this study version's acknowledged documents. */
    public static String group(String studyId, String depositVersion) {
        return studyId + "@" + depositVersion;
    }
}
