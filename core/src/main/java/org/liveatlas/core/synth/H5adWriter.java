package org.liveatlas.core.synth;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.io.AnnDataWriter;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Writes a study's counts and string annotations as an AnnData {@code .h5ad} through the core's {@link
 * AnnDataWriter} (layout and jhdf's limits there): the counts in {@code X} and {@code layers/counts}, string
 * {@code obs} and {@code var} columns. Obs columns load as object (str) columns in anndata; {@code
 * .astype("category")} restores categoricals. The whole matrix is held in memory while writing.
 */
public final class H5adWriter {

    private H5adWriter() {}

    /** Writes {@code study}: counts in X and layers/counts, its obs columns, var with gene ids. */
    public static void write(Path file, SyntheticStudy study) {
        Map<String, List<String>> var = new LinkedHashMap<>();
        var.put("gene_ids", study.genes().ids());
        var.put("feature_types", Collections.nCopies(study.genes().size(), "Gene Expression"));
        write(file, study.counts(), study.cellIds(), study.obs(), study.genes().symbols(), var);
    }

    /**
     * Writes an AnnData file.
     *
     * @param counts cells x genes, written to X and layers/counts as float32
     * @param obsIndex cell ids
     * @param obs obs columns, in order
     * @param varIndex gene names (symbols)
     * @param var var columns, in order
     */
    public static void write(
            Path file,
            CsrBatch counts,
            List<String> obsIndex,
            Map<String, List<String>> obs,
            List<String> varIndex,
            Map<String, List<String>> var) {
        try (AnnDataWriter w = AnnDataWriter.create(file)) {
            w.x(counts).layer("counts", counts).obs(obsIndex, obs).var(varIndex, var);
        }
    }
}
