package org.liveatlas.core.synth;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Writes a counts matrix as a 10x Genomics HDF5 file in Cell Ranger 3+ layout, the format of
 * {@code filtered_feature_bc_matrix.h5}, so tools and tests can produce what a sequencing core hands out.
 *
 * <p>Layout: group {@code matrix} with {@code data} (int32 counts), {@code indices} (int64 gene index),
 * {@code indptr} (int64, one entry per cell plus one), {@code shape} (int32 {@code [genes, cells]}),
 * {@code barcodes}, and {@code features/} with {@code id}, {@code name}, {@code feature_type}
 * ("Gene Expression") and {@code genome}. That is the genes x cells CSC matrix Cell Ranger writes, which
 * is the same arrays as the cells x genes CSR of {@link CsrBatch}. Strings are fixed-length (jhdf writes
 * no variable-length strings; Cell Ranger's own are fixed-length too). The matrix is held in memory.
 */
public final class TenxH5Writer {

    private TenxH5Writer() {}

    /** Writes {@code study} to {@code file}. */
    public static void write(Path file, SyntheticStudy study) {
        write(
                file,
                study.counts(),
                study.cellIds(),
                study.genes().ids(),
                study.genes().symbols());
    }

    /**
     * Writes a counts matrix (cells x genes, non-negative integer values) to {@code file}.
     *
     * @param counts cells x genes
     * @param barcodes one per cell
     * @param geneIds one per gene ({@code features/id})
     * @param symbols one per gene ({@code features/name})
     */
    public static void write(
            Path file, CsrBatch counts, List<String> barcodes, List<String> geneIds, List<String> symbols) {
        Objects.requireNonNull(file, "file");
        if (barcodes.size() != counts.rows() || geneIds.size() != counts.cols() || symbols.size() != counts.cols()) {
            throw new IllegalArgumentException("10x h5 " + file + ": " + counts + " needs " + counts.rows()
                    + " barcodes and " + counts.cols() + " genes, got " + barcodes.size() + ", " + geneIds.size()
                    + ", " + symbols.size());
        }
        float[] values = counts.values();
        int[] data = new int[counts.nnz()];
        for (int p = 0; p < data.length; p++) {
            float v = values[p];
            if (v != Math.rint(v) || v < 0) {
                throw new IllegalArgumentException("10x h5 " + file + ": value " + v + " at entry " + p
                        + " is not a non-negative integer count; 10x files hold raw UMI counts");
            }
            data[p] = (int) v;
        }
        long[] indices = new long[counts.nnz()];
        int[] ci = counts.indices();
        for (int p = 0; p < indices.length; p++) {
            indices[p] = ci[p];
        }
        int[] cp = counts.indptr();
        long[] indptr = new long[cp.length];
        for (int r = 0; r < cp.length; r++) {
            indptr[r] = cp[r];
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (WritableHdfFile f = HdfFile.write(file)) {
                WritableGroup m = f.putGroup("matrix");
                m.putDataset("data", data);
                m.putDataset("indices", indices);
                m.putDataset("indptr", indptr);
                m.putDataset("shape", new int[] {counts.cols(), counts.rows()});
                m.putDataset("barcodes", barcodes.toArray(new String[0]));
                WritableGroup features = m.putGroup("features");
                features.putDataset("id", geneIds.toArray(new String[0]));
                features.putDataset("name", symbols.toArray(new String[0]));
                features.putDataset(
                        "feature_type",
                        Collections.nCopies(counts.cols(), "Gene Expression").toArray(new String[0]));
                features.putDataset(
                        "genome",
                        Collections.nCopies(counts.cols(), "synthetic").toArray(new String[0]));
            }
        } catch (IOException | RuntimeException e) {
            throw new AtlasException("cannot write 10x h5 file " + file + ": " + e.getMessage(), e);
        }
    }
}
