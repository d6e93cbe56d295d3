package org.liveatlas.core.synth;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Writes counts and string annotations as an AnnData {@code .h5ad} file through jhdf's writing API.
 *
 * <p>Layout (AnnData on-disk format 0.1/0.2, as {@code anndata.write_h5ad} lays it out): root
 * attributes {@code encoding-type=anndata}; {@code X} and {@code layers/counts}, both a {@code
 * csr_matrix} group ({@code data} float32, {@code indices} int32, {@code indptr} int32, attribute
 * {@code shape}), deflate-compressed; {@code obs} and {@code var} {@code dataframe} groups with
 * {@code _index} and {@code column-order} attributes and one {@code string-array} dataset per
 * column.
 *
 * <p>Limits, from jhdf 0.13 (its writer is marked alpha): strings are written as fixed-length,
 * null-terminated UTF-8 (jhdf cannot write variable-length strings); h5py reads them as bytes, and
 * anndata decodes them ({@code string-array} datasets through {@code asstr()}, string attributes
 * through its fixed-length-string handling), so the file loads with str columns. Columns cannot be
 * {@code categorical}: anndata hands the {@code ordered} attribute to pandas, which requires a
 * boolean, and HDF5 booleans are enums, which jhdf cannot write (it writes Java booleans as uint8).
 * So obs columns load as object (str) columns; {@code .astype("category")} restores categoricals.
 * The whole matrix is held in memory while writing.
 */
public final class H5adWriter {

    private static final int CHUNK = 1 << 16;

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
        Objects.requireNonNull(file, "file");
        check(file, "obs", obsIndex, obs, counts.rows());
        check(file, "var", varIndex, var, counts.cols());
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (WritableHdfFile f = HdfFile.write(file)) {
                encoding(f, "anndata", "0.1.0");
                csr(f.putGroup("X"), counts);
                WritableGroup layers = f.putGroup("layers");
                encoding(layers, "dict", "0.1.0");
                csr(layers.putGroup("counts"), counts);
                dataframe(f.putGroup("obs"), obsIndex, obs);
                dataframe(f.putGroup("var"), varIndex, var);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new AtlasException("cannot write h5ad file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void check(Path file, String frame, List<String> index, Map<String, List<String>> cols, int n) {
        if (index.size() != n) {
            throw new IllegalArgumentException(
                    file + ": " + frame + " index has " + index.size() + " entries, need " + n);
        }
        cols.forEach((name, values) -> {
            if (values.size() != n) {
                throw new IllegalArgumentException(
                        file + ": " + frame + " column " + name + " has " + values.size() + " values, need " + n);
            }
            if (name.equals("_index")) {
                throw new IllegalArgumentException(file + ": _index is reserved in an AnnData dataframe");
            }
        });
    }

    private static void encoding(WritableNode node, String type, String version) {
        node.putAttribute("encoding-type", type);
        node.putAttribute("encoding-version", version);
    }

    private static void csr(WritableGroup g, CsrBatch m) {
        encoding(g, "csr_matrix", "0.1.0");
        g.putAttribute("shape", new long[] {m.rows(), m.cols()});
        g.putDataset("data", m.values(), compressed(m.nnz()));
        g.putDataset("indices", m.indices(), compressed(m.nnz()));
        // int32 like indices: scipy rejects mixed index dtypes in fancy indexing
        int[] indptr = m.indptr();
        g.putDataset("indptr", indptr, compressed(indptr.length));
    }

    private static DatasetCreationOptions compressed(int length) {
        if (length == 0) {
            return DatasetCreationOptions.DEFAULT;
        }
        return DatasetCreationOptions.builder()
                .chunkDimensions(Math.min(length, CHUNK))
                .deflate(4)
                .build();
    }

    private static void dataframe(WritableGroup g, List<String> index, Map<String, List<String>> columns) {
        encoding(g, "dataframe", "0.2.0");
        g.putAttribute("_index", "_index");
        g.putAttribute("column-order", columns.keySet().toArray(new String[0]));
        stringArray(g, "_index", index);
        columns.forEach((name, values) -> stringArray(g, name, values));
    }

    private static void stringArray(WritableGroup g, String name, List<String> values) {
        WritableDataset d = g.putDataset(name, values.toArray(new String[0]));
        encoding(d, "string-array", "0.2.0");
    }
}
