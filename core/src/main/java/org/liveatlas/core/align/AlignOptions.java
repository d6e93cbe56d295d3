package org.liveatlas.core.align;

import java.util.Map;

/**
 * How a study's genes are matched to a model's gene order.
 *
 * @param minSharedGenes fewer distinct model genes found in the study than this rejects it
 *     (SCimilarity's {@code gene_overlap_threshold}, default 5,000)
 * @param idToSymbol a gene id (e.g. Ensembl) to symbol table, used when the study names its genes
 *     by id and carries no symbol column; may be empty
 */
public record AlignOptions(int minSharedGenes, Map<String, String> idToSymbol) {
    public static final int DEFAULT_MIN_SHARED_GENES = 5_000;

    /** SCimilarity's defaults: at least 5,000 shared genes, no id table. */
    public static final AlignOptions DEFAULT = new AlignOptions(DEFAULT_MIN_SHARED_GENES, Map.of());

    public AlignOptions {
        if (minSharedGenes < 0) {
            throw new IllegalArgumentException("minSharedGenes must be >= 0, got " + minSharedGenes);
        }
        idToSymbol = Map.copyOf(idToSymbol);
    }

    public AlignOptions withMinSharedGenes(int min) {
        return new AlignOptions(min, idToSymbol);
    }

    public AlignOptions withIdToSymbol(Map<String, String> table) {
        return new AlignOptions(minSharedGenes, table);
    }
}
