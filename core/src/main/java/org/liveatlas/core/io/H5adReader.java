package org.liveatlas.core.io;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Reads an AnnData {@code .h5ad} through jhdf.
 *
 * <p>Counts come from {@code layers/counts}, else {@code raw/X} (with {@code raw/var} as its genes;
 * {@code raw.X}/{@code raw.var} in files older than anndata 0.7), else {@code X}; an {@code X} that is not integer-valued is rejected while streaming. Memory per
 * chunk: CSR reads only the chunk's slice of {@code data}/{@code indices} (plus {@code indptr},
 * 8 bytes per cell, held once); dense reads row blocks of at most ~8 M values; CSC is transposed
 * once through a {@link CellMajorSpool} (two passes over {@code indices}/{@code data} in slices of
 * 1 M entries, 12 bytes per cell on the heap, {@code 8 * nnz} bytes of temporary disk).
 */
final class H5adReader implements StudyReader {
    static final int DEFAULT_SLICE = 1 << 20;
    private static final int DENSE_BLOCK_VALUES = 8 << 20;

    private enum Layout {
        CSR,
        CSC,
        DENSE
    }

    private final Path path;
    private final Hdf5Access h5;
    private final String location;
    private final Layout layout;
    private final int cells;
    private final int genes;
    private final H5DataFrame obs;
    private final H5DataFrame var;
    private final List<String> cellIds;
    private final List<String> geneNames;
    private final CountsValidator validator;
    private final int slice;
    private CellMajorSpool spool;
    private long[] csrIndptr;

    H5adReader(Path path) {
        this(path, DEFAULT_SLICE);
    }

    /** {@code slice}: entries read at a time when transposing CSC (small values exercise slice edges). */
    H5adReader(Path path, int slice) {
        this.path = path;
        this.slice = slice;
        this.h5 = Hdf5Access.open(path);
        try {
            if (h5.node("layers/counts").isPresent()) {
                location = "layers/counts";
            } else if (h5.node("raw/X").isPresent()) {
                location = "raw/X";
            } else if (h5.node("raw.X").isPresent()) {
                location = "raw.X"; // anndata before 0.7 stored raw flat beside X
            } else if (h5.node("X").isPresent()) {
                location = "X";
            } else {
                throw new PoisonInputException(
                        "study file " + path + ": no counts matrix (looked for layers/counts, raw/X, raw.X and X)");
            }
            Node matrix = h5.require(location, "the counts matrix");
            long[] shape;
            if (matrix instanceof Group g) {
                String enc = h5.stringAttribute(g, "encoding-type")
                        .or(() -> h5.stringAttribute(g, "h5sparse_format").map(f -> f + "_matrix"))
                        .orElse("");
                layout = switch (enc) {
                    case "csr_matrix" -> Layout.CSR;
                    case "csc_matrix" -> Layout.CSC;
                    default -> throw new PoisonInputException(
                            "study file " + path + ": " + location + " has unsupported encoding '" + enc
                                    + "' (expected csr_matrix, csc_matrix or a dense array)");
                };
                shape = Hdf5Access.toLongs(h5.attribute(g, "shape")
                        .or(() -> h5.attribute(g, "h5sparse_shape"))
                        .orElseThrow(() -> new PoisonInputException(
                                "study file " + path + ": " + location + " has no shape attribute")));
            } else {
                layout = Layout.DENSE;
                shape = h5.guard(location, ((Dataset) matrix)::getDimensionsAsLong);
            }
            if (shape.length != 2) {
                throw new PoisonInputException("study file " + path + ": " + location
                        + " is not two-dimensional (shape of " + shape.length + " dimensions)");
            }
            if (shape[0] > Integer.MAX_VALUE - 8 || shape[1] > Integer.MAX_VALUE - 8) {
                throw new PoisonInputException("study file " + path + ": " + location + " shape " + shape[0] + " x "
                        + shape[1] + " is too large");
            }
            cells = (int) shape[0];
            genes = (int) shape[1];
            obs = H5DataFrame.read(h5, "obs");
            String varPath = location.equals("raw/X") ? "raw/var" : location.equals("raw.X") ? "raw.var" : "var";
            var = H5DataFrame.read(h5, varPath);
            cellIds = obs.index();
            geneNames = var.index();
            if (cells == 0 || genes == 0) {
                throw new PoisonInputException("study file " + path + ": " + location + " is empty (" + cells
                        + " cells x " + genes + " genes)");
            }
            if (cellIds.size() != cells) {
                throw new PoisonInputException("study file " + path + ": " + location + " has " + cells
                        + " rows but obs has " + cellIds.size() + " cells");
            }
            if (geneNames.size() != genes) {
                throw new PoisonInputException("study file " + path + ": " + location + " has " + genes
                        + " columns but " + varPath + " has "
                        + geneNames.size() + " genes");
            }
            validator = new CountsValidator(path, location, cellIds, geneNames);
        } catch (RuntimeException e) {
            h5.close();
            throw e;
        }
    }

    @Override
    public Path source() {
        return path;
    }

    @Override
    public StudyFormat format() {
        return StudyFormat.H5AD;
    }

    @Override
    public String countsLocation() {
        return location;
    }

    @Override
    public int cellCount() {
        return cells;
    }

    @Override
    public int geneCount() {
        return genes;
    }

    @Override
    public List<String> cellIds() {
        return cellIds;
    }

    @Override
    public List<String> geneSymbols() {
        return geneNames;
    }

    @Override
    public Optional<List<String>> geneIds() {
        for (String name : List.of("gene_ids", "gene_id", "ensembl_id", "feature_id")) {
            if (var.columnNames().contains(name)) {
                return Optional.of(var.column(name));
            }
        }
        long ensembl = geneNames.stream().filter(g -> g.startsWith("ENS")).count();
        return ensembl * 2 > geneNames.size() ? Optional.of(geneNames) : Optional.empty();
    }

    @Override
    public List<String> varColumnNames() {
        return var.columnNames();
    }

    @Override
    public List<String> varColumn(String name) {
        return var.column(name);
    }

    @Override
    public List<String> obsColumnNames() {
        return obs.columnNames();
    }

    @Override
    public List<String> obsColumn(String name) {
        return obs.column(name);
    }

    @Override
    public Iterator<CsrBatch> batches(int chunkRows, int firstRow) {
        return switch (layout) {
            case CSR -> csrBatches(chunkRows, firstRow);
            case DENSE -> new RowChunks(cells, chunkRows, firstRow, this::readDense);
            case CSC -> {
                if (spool == null) {
                    spool = spoolCsc();
                }
                CellMajorSpool s = spool;
                yield new RowChunks(cells, chunkRows, firstRow, (first, count) -> s.read(first, count, genes));
            }
        };
    }

    private Iterator<CsrBatch> csrBatches(int chunkRows, int firstRow) {
        Dataset data = h5.requireDataset(location + "/data", "the counts' values");
        Dataset indices = h5.requireDataset(location + "/indices", "the counts' column indices");
        if (csrIndptr == null) {
            // read once per reader: a caller picking scattered rows starts many passes
            csrIndptr = readIndptr(cells, data);
        }
        long[] indptr = csrIndptr;
        return new RowChunks(cells, chunkRows, firstRow, (first, count) -> {
            long from = indptr[first];
            int n = Math.toIntExact(indptr[first + count] - from);
            double[] values = n == 0 ? new double[0] : Hdf5Access.toDoubles(h5.readSlice(data, from, n));
            long[] cols = n == 0 ? new long[0] : Hdf5Access.toLongs(h5.readSlice(indices, from, n));
            CsrChunkBuilder b = new CsrChunkBuilder(genes, count, n);
            for (int r = 0; r < count; r++) {
                int row = first + r;
                for (long p = indptr[row]; p < indptr[row + 1]; p++) {
                    int i = (int) (p - from);
                    int col = column(cols[i], row);
                    b.add(col, (float) validator.check(values[i], row, col));
                }
                b.endRow();
            }
            return b.build();
        });
    }

    private long[] readIndptr(int majorCount, Dataset data) {
        Dataset ds = h5.requireDataset(location + "/indptr", "the counts' row pointers");
        long[] indptr = Hdf5Access.toLongs(h5.readAll(ds));
        long nnz = h5.length(data);
        if (indptr.length != majorCount + 1) {
            throw new PoisonInputException("study file " + path + ": " + location + "/indptr has " + indptr.length
                    + " entries, expected " + (majorCount + 1) + " for shape " + cells + " x " + genes);
        }
        for (int i = 0; i < majorCount; i++) {
            if (indptr[i + 1] < indptr[i]) {
                throw new PoisonInputException("study file " + path + ": " + location + "/indptr decreases at " + i
                        + " (" + indptr[i] + " then " + indptr[i + 1] + "); the matrix is corrupt");
            }
        }
        if (indptr[0] != 0 || indptr[majorCount] != nnz) {
            throw new PoisonInputException("study file " + path + ": " + location + "/indptr spans " + indptr[0] + ".."
                    + indptr[majorCount] + " but data holds " + nnz + " values; the matrix is corrupt");
        }
        return indptr;
    }

    private int column(long col, int row) {
        if (col < 0 || col >= genes) {
            throw new PoisonInputException("study file " + path + ": " + location + " has column index " + col
                    + " at row " + row + ", outside the " + genes + " genes; the matrix is corrupt");
        }
        return (int) col;
    }

    private CsrBatch readDense(int first, int count) {
        Dataset ds = (Dataset) h5.require(location, "the counts matrix");
        CsrChunkBuilder b = new CsrChunkBuilder(genes, count, count * 64);
        int block = Math.max(1, DENSE_BLOCK_VALUES / genes);
        for (int start = first; start < first + count; start += block) {
            int n = Math.min(block, first + count - start);
            Object rows = h5.readRows(ds, start, n, genes);
            for (int r = 0; r < n; r++) {
                double[] row = Hdf5Access.toDoubles(Array.get(rows, r));
                for (int c = 0; c < genes; c++) {
                    if (row[c] != 0) {
                        b.add(c, (float) validator.check(row[c], start + r, c));
                    }
                }
                b.endRow();
            }
        }
        return b.build();
    }

    // CSC is gene-major: one pass counts entries per cell, a second scatters them into the spool.
    private CellMajorSpool spoolCsc() {
        Dataset data = h5.requireDataset(location + "/data", "the counts' values");
        Dataset indices = h5.requireDataset(location + "/indices", "the counts' row indices");
        long[] indptr = readIndptr(genes, data);
        long nnz = indptr[genes];
        long[] perCell = new long[cells];
        for (long from = 0; from < nnz; from += slice) {
            int n = (int) Math.min(slice, nnz - from);
            long[] rows = Hdf5Access.toLongs(h5.readSlice(indices, from, n));
            for (long r : rows) {
                if (r < 0 || r >= cells) {
                    throw new PoisonInputException("study file " + path + ": " + location + " has row index " + r
                            + ", outside the " + cells + " cells; the matrix is corrupt");
                }
                perCell[(int) r]++;
            }
        }
        CellMajorSpool s = CellMajorSpool.scatter(perCell);
        try {
            int gene = 0;
            for (long from = 0; from < nnz; from += slice) {
                int n = (int) Math.min(slice, nnz - from);
                long[] rows = Hdf5Access.toLongs(h5.readSlice(indices, from, n));
                double[] values = Hdf5Access.toDoubles(h5.readSlice(data, from, n));
                for (int i = 0; i < n; i++) {
                    long p = from + i;
                    while (p >= indptr[gene + 1]) {
                        gene++;
                    }
                    int row = (int) rows[i];
                    s.put(row, gene, (float) validator.check(values[i], row, gene));
                }
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            if (spool != null) {
                spool.close();
                spool = null;
            }
        } finally {
            h5.close();
        }
    }
}
