package org.liveatlas.core.align;

import java.util.Locale;
import java.util.Objects;

/**
 * What gene alignment did to a study, for the QC summary and the study's status.
 *
 * @param study the study id
 * @param geneNames which study names were matched: {@code var index}, {@code var column 'X'},
 *     {@code gene ids via id-to-symbol table}, ...
 * @param modelGenes genes in the model's order
 * @param studyGenes gene columns in the study
 * @param sharedGenes distinct model genes found in the study
 * @param missingGenes model genes absent from the study, zero-filled ({@code modelGenes - sharedGenes})
 * @param droppedGenes study columns whose gene the model lacks
 * @param duplicateGenesSummed study columns summed into a model gene that another column already
 *     supplies (duplicate symbols)
 */
public record AlignmentReport(
        String study,
        String geneNames,
        int modelGenes,
        int studyGenes,
        int sharedGenes,
        int missingGenes,
        int droppedGenes,
        int duplicateGenesSummed) {

    public AlignmentReport {
        Objects.requireNonNull(study, "study");
        Objects.requireNonNull(geneNames, "geneNames");
        if (sharedGenes + missingGenes != modelGenes) {
            throw new IllegalArgumentException(
                    "shared " + sharedGenes + " + missing " + missingGenes + " != model genes " + modelGenes);
        }
        if (sharedGenes + droppedGenes + duplicateGenesSummed != studyGenes) {
            throw new IllegalArgumentException("shared " + sharedGenes + " + dropped " + droppedGenes + " + duplicates "
                    + duplicateGenesSummed + " != study genes " + studyGenes);
        }
    }

    /** One line for a command-line summary. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "study %s: %,d of the model's %,d genes found (%,d zero-filled); %,d of %,d study genes dropped,"
                        + " %,d duplicate columns summed; matched on %s",
                study,
                sharedGenes,
                modelGenes,
                missingGenes,
                droppedGenes,
                studyGenes,
                duplicateGenesSummed,
                geneNames);
    }
}
