package org.liveatlas.flink.reindex;

import java.util.Objects;

/**
 * Payload of a re-indexing barrier: after a study ({@code STUDY}: make it visible to the next studies'
 * annotation), or at the end ({@code SWAP}: every study is in {@code index}, move the alias to it).
 */
public record ReindexBarrier(Step step, String index, String modelVersion, String studyId, int studies) {
    /** Where the rebuild stands. */
    public enum Step {
        STUDY,
        SWAP
    }

    public ReindexBarrier {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(index, "index");
    }
}
