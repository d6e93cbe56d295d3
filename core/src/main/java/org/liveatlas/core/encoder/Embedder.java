package org.liveatlas.core.encoder;

import java.util.List;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Maps cells to embeddings: log-normalised expression over {@link #geneOrder()} in, unit vectors of
 * {@link #latentDim()} floats out.
 */
public interface Embedder extends AutoCloseable {

    /** The genes, in the column order that {@link #embed} expects. */
    List<String> geneOrder();

    /** Width of one embedding. */
    int latentDim();

    /**
     * Embeds every row of {@code cells} (already aligned to {@link #geneOrder()} and log-normalised).
     *
     * @return {@code cells.rows() * latentDim()} floats, row-major, one unit vector per cell
     */
    float[] embed(CsrBatch cells);

    @Override
    void close();
}
