package org.liveatlas.core.qc;

import java.util.Locale;
import java.util.Objects;

/**
 * A study's QC outcome: cells read, kept and dropped per reason (each dropped cell counted once,
 * under its first failing {@link DropReason}). Serialises to JSON as a plain record.
 */
public record QcReport(
        String study,
        QcThresholds thresholds,
        long cellsRead,
        long cellsKept,
        long cellsDropped,
        long droppedTooFewCounts,
        long droppedTooFewGenes,
        long droppedTooMuchMito) {

    public QcReport {
        Objects.requireNonNull(study, "study");
        Objects.requireNonNull(thresholds, "thresholds");
        if (cellsKept + cellsDropped != cellsRead) {
            throw new IllegalArgumentException(
                    "kept " + cellsKept + " + dropped " + cellsDropped + " != read " + cellsRead);
        }
        if (droppedTooFewCounts + droppedTooFewGenes + droppedTooMuchMito != cellsDropped) {
            throw new IllegalArgumentException("dropped per reason does not add up to " + cellsDropped);
        }
    }

    /** One line for a command-line summary. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "study %s: %,d cells read, %,d kept, %,d dropped (%,d too few counts, %,d too few genes,"
                        + " %,d too much mitochondrial)",
                study,
                cellsRead,
                cellsKept,
                cellsDropped,
                droppedTooFewCounts,
                droppedTooFewGenes,
                droppedTooMuchMito);
    }
}
