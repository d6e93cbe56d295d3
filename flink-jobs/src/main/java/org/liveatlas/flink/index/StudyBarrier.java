package org.liveatlas.flink.index;

import java.time.Instant;
import java.util.Objects;
import org.liveatlas.core.qc.QcReport;
import org.liveatlas.schemas.study.StudyMetadata;

/**
 * The payload of the barrier that ends a study version in the sink: what to publish once every document
 * before it is acknowledged. Serialised as JSON inside a {@link org.liveatlas.flink.opensearch.BulkAction}.
 *
 * @param outcome what happened to the study version
 * @param index the cells index its documents went to (null for a withdrawal: every cells index)
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
        String reason) {

    /** What a barrier concludes. */
    public enum Outcome {
        INDEXED,
        QUARANTINED,
        WITHDRAWN
    }

    public StudyBarrier {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(studyId, "studyId");
    }

    /** The group under which the sink counts this study version's acknowledged documents. */
    public static String group(String studyId, String depositVersion) {
        return studyId + "@" + depositVersion;
    }
}
