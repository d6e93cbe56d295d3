package org.liveatlas.core.io;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Writes an AnnData {@code .h5ad} file through jhdf's writing API, one part at a time: {@code X}, {@code layers},
 * the {@code obs} and {@code var} dataframes, {@code obsm}, dataframes in {@code uns} and root attributes.
 *
 * <p>Layout (AnnData on-disk format 0.1/0.2, as {@code anndata.write_h5ad} lays it out): root attributes {@code
 * encoding-type=anndata}; a matrix is a {@code csr_matrix} group ({@code data} float32, {@code indices} int32,
 * {@code indptr} int32, attribute {@code shape}), deflate-compressed; a dataframe is a {@code dataframe} group with
 * {@code _index} and {@code column-order} attributes and one dataset per column: {@code string-array} for strings,
 * {@code array} for numbers; {@code layers}, {@code obsm} and {@code uns} are {@code dict} groups.
 *
 * <p>Limits, from jhdf 0.13 (its writer is marked alpha): strings are written as fixed-length, null-terminated
 * UTF-8 (jhdf cannot write variable-length strings); h5py reads them as bytes, and anndata decodes them ({@code
 * string-array} datasets through {@code asstr()}, string attributes through its fixed-length-string handling), so
 * the file loads with str columns. Columns cannot be {@code categorical}: anndata hands the {@code ordered}
 * attribute to pandas, which requires a boolean, and HDF5 booleans are enums, which jhdf cannot write. jhdf writes
 * no empty arrays, so a dataframe needs at least one row and one column. Everything handed to the writer is held (not
 * copied) until {@link #close()}, which writes the file; a writer one of whose parts was refused leaves no file.
 * Not thread-safe.
 */
public final class AnnDataWriter implements AutoCloseable {
    private static final int CHUNK = 1 << 16;

    private final Path file;
    private final WritableHdfFile h5;
    private WritableGroup layers;
    private WritableGroup obsm;
    private WritableGroup uns;
    private int obsCount = -1;
    private int varCount = -1;
    private boolean refused;

    private AnnDataWriter(Path file, WritableHdfFile h5) {
        this.file = file;
        this.h5 = h5;
    }

    /** Starts {@code file} (parent folders created); nothing is on disk until {@link #close()}. */
    public static AnnDataWriter create(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AnnDataWriter w = new AnnDataWriter(file, HdfFile.write(file));
            encoding(w.h5, "anndata", "0.1.0");
            return w;
        } catch (IOException | RuntimeException e) {
            throw new AtlasException("cannot write h5ad file " + file + ": " + e.getMessage(), e);
        }
    }

    /** A root attribute (a string, a number or an array of them). */
    public AnnDataWriter attribute(String name, Object value) {
        return guarded(() -> h5.putAttribute(name, value));
    }

    /** {@code X}: the cells x genes matrix. */
    public AnnDataWriter x(CsrBatch m) {
        return x(m.rows(), m.cols(), m.indptr(), m.indices(), m.values());
    }

    /** {@code X}: the picked rows, laid out into CSR arrays and released from {@code rows} (held once). */
    public AnnDataWriter x(PickedRows rows) {
        return guarded(() -> {
            PickedRows.Csr c = rows.release();
            csr(h5.putGroup("X"), c.rows(), c.cols(), c.indptr(), c.indices(), c.data());
        });
    }

    /**
     * {@code X} from CSR arrays, which are held as they are (not copied) until the file is written: a large matrix
     * is then in memory once, not twice.
     */
    public AnnDataWriter x(int rows, int cols, int[] indptr, int[] indices, float[] data) {
        return guarded(() -> csr(h5.putGroup("X"), rows, cols, indptr, indices, data));
    }

    /** {@code layers/<name>}: another cells x genes matrix (e.g. {@code counts}). */
    public AnnDataWriter layer(String name, CsrBatch m) {
        return guarded(() -> {
            if (layers == null) {
                layers = dict(h5, "layers");
            }
            csr(layers.putGroup(name), m.rows(), m.cols(), m.indptr(), m.indices(), m.values());
        });
    }

    /**
     * {@code obs}: one row per cell.
     *
     * @param index cell ids
     * @param columns in order; each a {@code List<String>} or {@code String[]} (a {@code string-array}, null as the
     *     empty string) or an {@code int[]}, {@code long[]}, {@code float[]} or {@code double[]} (an {@code array})
     */
    public AnnDataWriter obs(List<String> index, Map<String, ?> columns) {
        return guarded(() -> {
            obsCount = agree("obs index", index.size(), obsCount);
            dataframe(h5.putGroup("obs"), "obs", index, columns);
        });
    }

    /** {@code var}: one row per gene, columns as in {@link #obs}. */
    public AnnDataWriter var(List<String> index, Map<String, ?> columns) {
        return guarded(() -> {
            varCount = agree("var index", index.size(), varCount);
            dataframe(h5.putGroup("var"), "var", index, columns);
        });
    }

    /** {@code obsm/<key>}: one float32 row per cell (embeddings). */
    public AnnDataWriter obsm(String key, float[][] values) {
        return guarded(() -> {
            obsCount = agree("obsm " + key, values.length, obsCount);
            if (obsm == null) {
                obsm = dict(h5, "obsm");
            }
            WritableDataset d = obsm.putDataset(key, values);
            encoding(d, "array", "0.2.0");
        });
    }

    /** {@code uns/<key>}: a dataframe (loaded by anndata as a pandas DataFrame), columns as in {@link #obs}. */
    public AnnDataWriter unsDataframe(String key, List<String> index, Map<String, ?> columns) {
        return guarded(() -> {
            if (uns == null) {
                uns = dict(h5, "uns");
            }
            dataframe(uns.putGroup(key), "uns/" + key, index, columns);
        });
    }

    /** Writes the file; after a refused part, deletes it instead. */
    @Override
    public void close() {
        try {
            h5.close();
        } catch (RuntimeException e) {
            refused = true;
            throw new AtlasException("cannot write h5ad file " + file + ": " + e.getMessage(), e);
        } finally {
            if (refused) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // the write failed already; the caller hears about that failure, not this one
                }
            }
        }
    }

    private AnnDataWriter guarded(Runnable part) {
        try {
            part.run();
            return this;
        } catch (IllegalArgumentException e) {
            refused = true;
            throw e;
        } catch (RuntimeException e) {
            refused = true;
            throw new AtlasException("cannot write h5ad file " + file + ": " + e.getMessage(), e);
        }
    }

    private int agree(String what, int n, int known) {
        if (known >= 0 && n != known) {
            throw new IllegalArgumentException(file + ": " + what + " has " + n + " entries, need " + known);
        }
        return n;
    }

    private void csr(WritableGroup g, int rows, int cols, int[] indptr, int[] indices, float[] data) {
        obsCount = agree("matrix rows", rows, obsCount);
        varCount = agree("matrix columns", cols, varCount);
        if (indptr.length != rows + 1 || indices.length != data.length || indptr[rows] != data.length) {
            throw new IllegalArgumentException(file + ": inconsistent CSR arrays for " + rows + " x " + cols
                    + " (indptr " + indptr.length + ", indices " + indices.length + ", data " + data.length + ")");
        }
        encoding(g, "csr_matrix", "0.1.0");
        g.putAttribute("shape", new long[] {rows, cols});
        g.putDataset("data", data, compressed(data.length));
        g.putDataset("indices", indices, compressed(indices.length));
        // int32 like indices: scipy rejects mixed index dtypes in fancy indexing
        g.putDataset("indptr", indptr, compressed(indptr.length));
    }

    private void dataframe(WritableGroup g, String frame, List<String> index, Map<String, ?> columns) {
        int n = index.size();
        if (n == 0 || columns.isEmpty()) {
            // jhdf writes no empty arrays, neither the index nor the column-order attribute
            throw new IllegalArgumentException(file + ": " + frame + " has " + n + " rows and " + columns.size()
                    + " columns; jhdf can write a dataframe only with at least one of each");
        }
        columns.forEach((name, values) -> {
            if (name.equals("_index")) {
                throw new IllegalArgumentException(file + ": _index is reserved in an AnnData dataframe");
            }
            int size = length(values, frame, name);
            if (size != n) {
                throw new IllegalArgumentException(
                        file + ": " + frame + " column " + name + " has " + size + " values, need " + n);
            }
        });
        encoding(g, "dataframe", "0.2.0");
        g.putAttribute("_index", "_index");
        g.putAttribute("column-order", columns.keySet().toArray(new String[0]));
        stringArray(g, "_index", strings(index));
        columns.forEach((name, values) -> {
            if (values instanceof List<?> list) {
                stringArray(g, name, strings(list));
            } else if (values instanceof String[] s) {
                stringArray(g, name, strings(List.of(s)));
            } else {
                WritableDataset d = g.putDataset(name, values);
                encoding(d, "array", "0.2.0");
            }
        });
    }

    private int length(Object values, String frame, String name) {
        if (values instanceof List<?> l) {
            return l.size();
        } else if (values instanceof String[] a) {
            return a.length;
        } else if (values instanceof int[] a) {
            return a.length;
        } else if (values instanceof long[] a) {
            return a.length;
        } else if (values instanceof float[] a) {
            return a.length;
        } else if (values instanceof double[] a) {
            return a.length;
        }
        throw new IllegalArgumentException(file + ": " + frame + " column " + name + " is a "
                + (values == null ? "null" : values.getClass().getSimpleName())
                + "; use strings, int[], long[], float[] or double[]");
    }

    private static String[] strings(List<?> values) {
        String[] out = new String[values.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = values.get(i);
            out[i] = v == null ? "" : v.toString();
        }
        return out;
    }

    private static WritableGroup dict(WritableGroup parent, String name) {
        WritableGroup g = parent.putGroup(name);
        encoding(g, "dict", "0.1.0");
        return g;
    }

    private static void encoding(WritableNode node, String type, String version) {
        node.putAttribute("encoding-type", type);
        node.putAttribute("encoding-version", version);
    }

    private static void stringArray(WritableGroup g, String name, String[] values) {
        WritableDataset d = g.putDataset(name, values);
        encoding(d, "string-array", "0.2.0");
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
}
