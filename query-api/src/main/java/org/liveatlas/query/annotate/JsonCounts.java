package org.liveatlas.query.annotate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.matrix.CsrBatch;
import org.liveatlas.query.problem.ApiProblem;

/**
 * Raw counts posted as JSON: a dense cells x genes matrix with gene symbols, cell ids and optional
 * per-cell columns (e.g. a cluster column).
 *
 * @param genes gene symbols, one per column
 * @param cellIds cell ids, one per row
 * @param counts raw counts, one row per cell (non-negative integers)
 * @param obs per-cell columns by name, each with one value per cell
 */
public record JsonCounts(
        List<String> genes, List<String> cellIds, List<float[]> counts, Map<String, List<String>> obs) {

    /** Checks shapes and returns the counts as CSR. */
    CsrBatch toCsr(int maxCells) {
        if (genes == null || genes.isEmpty()) {
            throw ApiProblem.badRequest("empty-matrix", "counts.genes is empty; give the gene symbol of every column");
        }
        if (counts == null || counts.isEmpty()) {
            throw ApiProblem.badRequest("empty-matrix", "counts.counts has no cells; give one row of counts per cell");
        }
        if (cellIds == null || cellIds.size() != counts.size()) {
            throw ApiProblem.badRequest(
                    "shape-mismatch",
                    "counts.cell_ids has " + (cellIds == null ? 0 : cellIds.size()) + " ids for " + counts.size()
                            + " rows of counts; give one id per row");
        }
        if (counts.size() > maxCells) {
            throw ApiProblem.of(
                    413,
                    "too-many-cells",
                    "Content too large",
                    counts.size() + " cells posted as JSON; at most " + maxCells
                            + " this way, upload larger datasets as an .h5ad file");
        }
        if (obs != null) {
            obs.forEach((name, values) -> {
                if (values == null || values.size() != counts.size()) {
                    throw ApiProblem.badRequest(
                            "shape-mismatch",
                            "counts.obs." + name + " has " + (values == null ? 0 : values.size()) + " values for "
                                    + counts.size() + " cells");
                }
            });
        }
        int cols = genes.size();
        int[] indptr = new int[counts.size() + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int r = 0; r < counts.size(); r++) {
            float[] row = counts.get(r);
            if (row == null || row.length != cols) {
                throw ApiProblem.badRequest(
                        "shape-mismatch",
                        "counts.counts[" + r + "] has " + (row == null ? 0 : row.length) + " values for " + cols
                                + " genes");
            }
            for (int c = 0; c < cols; c++) {
                float v = row[c];
                if (!(v >= 0) || v != Math.rint(v) || Float.isInfinite(v)) {
                    throw ApiProblem.badRequest(
                            "not-raw-counts",
                            "counts.counts[" + r + "][" + c + "] is " + v
                                    + "; raw counts must be non-negative integers (not normalised values)");
                }
                if (v != 0) {
                    idx.add(c);
                    val.add(v);
                }
            }
            indptr[r + 1] = idx.size();
        }
        int[] indices = idx.stream().mapToInt(Integer::intValue).toArray();
        float[] values = new float[val.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = val.get(i);
        }
        return new CsrBatch(counts.size(), cols, indptr, indices, values);
    }
}
