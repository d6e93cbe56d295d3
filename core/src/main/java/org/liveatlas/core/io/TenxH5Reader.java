package org.liveatlas.core.io;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Reads a 10x Genomics HDF5 matrix: Cell Ranger 3+ ({@code matrix/} with {@code features/name} and
 * {@code features/id}) or Cell Ranger 2 (one group per genome with {@code gene_names} and
 * {@code genes}).
 *
 * <p>10x stores CSC over cell columns, which is CSR over cell rows, so chunks stream like an h5ad CSR
 * matrix: {@code indptr} (8 bytes per cell) is held once, each chunk reads only its slice of
 * {@code data} and {@code indices}.
 */
final class TenxH5Reader implements StudyReader {
    private final Path path;
    private final Hdf5Access h5;
    private final String group;
    private final int cells;
    private final int genes;
    private final List<String> barcodes;
    private final List<String> symbols;
    private final List<String> ids;
    private final List<String> types;
    private final List<String> allSymbols;
    private final FeatureSelection selection;
    private final CountsValidator validator;
    private long[] indptr;

    TenxH5Reader(Path path) {
        this.path = path;
        this.h5 = Hdf5Access.open(path);
        try {
            this.group = locateGroup(h5);
            boolean v3 = h5.node(group + "/features").isPresent();
            long[] shape = Hdf5Access.toLongs(h5.readAll(h5.requireDataset(group + "/shape", "the matrix shape")));
            if (shape.length != 2) {
                throw new PoisonInputException("study file " + path + ": " + group + "/shape has " + shape.length
                        + " entries, expected 2 (genes, cells)");
            }
            int features = Math.toIntExact(shape[0]);
            this.cells = Math.toIntExact(shape[1]);
            this.barcodes = strings(group + "/barcodes", "cell barcodes");
            List<String> allIds;
            List<String> allTypes;
            if (v3) {
                this.allSymbols = strings(group + "/features/name", "gene symbols");
                allIds = optionalStrings(group + "/features/id");
                allTypes = optionalStrings(group + "/features/feature_type");
            } else {
                this.allSymbols = strings(group + "/gene_names", "gene symbols");
                allIds = optionalStrings(group + "/genes");
                allTypes = List.of();
            }
            if (allSymbols.size() != features) {
                throw new PoisonInputException("study file " + path + ": " + allSymbols.size()
                        + " feature names but the shape declares " + features + " features");
            }
            this.selection = FeatureSelection.of(allTypes, features);
            this.genes = selection.kept();
            this.symbols = selection.select(allSymbols);
            this.ids = allIds.size() == features ? selection.select(allIds) : List.of();
            this.types = allTypes.size() == features ? selection.select(allTypes) : List.of();
            if (cells == 0 || genes == 0) {
                throw new PoisonInputException(
                        "study file " + path + ": the matrix is empty (" + genes + " genes x " + cells + " cells)");
            }
            if (barcodes.size() != cells) {
                throw new PoisonInputException("study file " + path + ": " + group + "/barcodes has " + barcodes.size()
                        + " barcodes but the shape declares " + cells + " cells");
            }
            this.validator = new CountsValidator(path, group, barcodes, allSymbols);
        } catch (RuntimeException e) {
            h5.close();
            throw e;
        }
    }

    /** The group holding {@code data/indices/indptr}: {@code matrix} (v3) or the first genome group (v2). */
    static String locateGroup(Hdf5Access h5) {
        if (h5.node("matrix/indptr").isPresent()) {
            return "matrix";
        }
        for (Node child :
                h5.guard("/", () -> new ArrayList<>(h5.hdf().getChildren().values()))) {
            if (child instanceof Group g && h5.node(g.getName() + "/indptr").isPresent()) {
                return g.getName();
            }
        }
        throw new PoisonInputException("study file " + h5.file()
                + ": no 10x matrix group (expected matrix/ with data, indices, indptr, shape, barcodes, features)");
    }

    private List<String> strings(String at, String purpose) {
        return List.of(Hdf5Access.toStrings(h5.readAll(h5.requireDataset(at, purpose))));
    }

    private List<String> optionalStrings(String at) {
        Optional<Node> n = h5.node(at);
        return n.isPresent() && n.get() instanceof Dataset ds
                ? List.of(Hdf5Access.toStrings(h5.readAll(ds)))
                : List.of();
    }

    @Override
    public Path source() {
        return path;
    }

    @Override
    public StudyFormat format() {
        return StudyFormat.TENX_H5;
    }

    @Override
    public String countsLocation() {
        return group;
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
        return barcodes;
    }

    @Override
    public List<String> geneSymbols() {
        return symbols;
    }

    @Override
    public Optional<List<String>> geneIds() {
        return ids.size() == genes ? Optional.of(ids) : Optional.empty();
    }

    @Override
    public List<String> varColumnNames() {
        List<String> names = new ArrayList<>();
        if (ids.size() == genes) {
            names.add("gene_ids");
        }
        if (types.size() == genes) {
            names.add("feature_types");
        }
        return List.copyOf(names);
    }

    @Override
    public List<String> varColumn(String name) {
        if (name.equals("gene_ids") && ids.size() == genes) {
            return ids;
        }
        if (name.equals("feature_types") && types.size() == genes) {
            return types;
        }
        throw new IllegalArgumentException("study file " + path + " has no gene column '" + name + "'");
    }

    @Override
    public List<String> obsColumnNames() {
        return List.of();
    }

    @Override
    public List<String> obsColumn(String name) {
        throw new IllegalArgumentException("study file " + path + " has no cell column '" + name + "'");
    }

    @Override
    public Iterator<CsrBatch> batches(int chunkRows, int firstRow) {
        Dataset data = h5.requireDataset(group + "/data", "the counts' values");
        Dataset indices = h5.requireDataset(group + "/indices", "the counts' gene indices");
        long[] indptr = indptr(data);
        return new RowChunks(cells, chunkRows, firstRow, (first, count) -> {
            long from = indptr[first];
            int n = Math.toIntExact(indptr[first + count] - from);
            if (n < 0) {
                throw new PoisonInputException(
                        "study file " + path + ": " + group + "/indptr decreases near cell " + first + "; corrupt");
            }
            double[] values = n == 0 ? new double[0] : Hdf5Access.toDoubles(h5.readSlice(data, from, n));
            long[] rows = n == 0 ? new long[0] : Hdf5Access.toLongs(h5.readSlice(indices, from, n));
            CsrChunkBuilder b = new CsrChunkBuilder(genes, count, n);
            for (int r = 0; r < count; r++) {
                int cell = first + r;
                if (indptr[cell + 1] < indptr[cell]) {
                    throw new PoisonInputException(
                            "study file " + path + ": " + group + "/indptr decreases at cell " + cell + "; corrupt");
                }
                for (long p = indptr[cell]; p < indptr[cell + 1]; p++) {
                    int i = (int) (p - from);
                    long feature = rows[i];
                    if (feature < 0 || feature >= allSymbols.size()) {
                        throw new PoisonInputException("study file " + path + ": " + group + "/indices holds feature "
                                + feature + " at cell " + cell + ", outside the " + allSymbols.size()
                                + " features; corrupt");
                    }
                    float v = (float) validator.check(values[i], cell, (int) feature);
                    int col = selection.column((int) feature);
                    if (col >= 0) {
                        b.add(col, v);
                    }
                }
                b.endRow();
            }
            return b.build();
        });
    }

    // read once per reader: a caller picking scattered rows starts many passes
    private long[] indptr(Dataset data) {
        if (indptr == null) {
            long[] read = Hdf5Access.toLongs(h5.readAll(h5.requireDataset(group + "/indptr", "the cell pointers")));
            long nnz = h5.length(data);
            if (read.length != cells + 1 || read[0] != 0 || read[cells] != nnz) {
                throw new PoisonInputException("study file " + path + ": " + group + "/indptr has " + read.length
                        + " entries ending at " + (read.length == 0 ? "-" : read[read.length - 1]) + ", expected "
                        + (cells + 1) + " ending at the " + nnz + " stored values; the matrix is corrupt");
            }
            indptr = read;
        }
        return indptr;
    }

    @Override
    public void close() {
        h5.close();
    }
}
