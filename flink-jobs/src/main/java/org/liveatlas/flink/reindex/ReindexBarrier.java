package org.liveatlas.flink.reindex;

import java.util.Objects;

/**
 * Payload of a re-indexing barrier, run once the sink has acknowledged everything before it: after a study was
 * re-embedded ({@code STUDY}: remove its other versions from {@code index}, refresh so the next studies are
 * annotated against it), for a study that must leave the building index ({@code DROP}: withdrawn or
 * quarantined meanwhile), or at the end ({@code SWAP}: verify that {@code index} holds every indexed study,
 * then move the alias to it).
 *
 * @param depositVersion the version re-embedded ({@code STUDY} only)
 */
public record ReindexBarrier(
        Step step, String index, String modelVersion, String studyId, String depositVersion, int studies) {
    /** Where the rebuild stands. */
    public enum Step {
        STUDY,
        DROP,
        SWAP
    }

    public ReindexBarrier {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(index, "index");
        if (step != Step.SWAP && studyId == null) {
            throw new IllegalArgumentException("a " + step + " re-index barrier names its study");
        }
    }
}
