package org.liveatlas.core.io;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * A study opened for reading: its cell and gene metadata, and its raw counts streamed in row chunks.
 *
 * <p>Metadata is read when the reader is opened (cell ids and gene symbols are small next to the
 * matrix). The counts are never loaded whole: {@link #batches(int)} yields contiguous blocks of
 * cells in the study's own cell and gene order. Every value is validated while streaming: a
 * negative, NaN, infinite or non-integer count throws {@link org.liveatlas.core.PoisonInputException}
 * naming the file, the cell, the gene and the value. Corrupt or truncated files, an empty matrix and
 * dimensions that disagree are poison too. Not thread-safe; close it to release the file and any
 * temporary spool.
 */
public interface StudyReader extends AutoCloseable {

    /** The file or folder this study was read from. */
    Path source();

    StudyFormat format();

    /** Where the counts come from, e.g. {@code layers/counts}, {@code raw/X}, {@code X}, {@code matrix.mtx.gz}. */
    String countsLocation();

    int cellCount();

    int geneCount();

    /** Cell ids (obs index or barcodes), one per row, in the study's order. */
    List<String> cellIds();

    /**
     * Gene names as the study states them, one per column: the var index of an h5ad (raw/var when
     * counts come from raw/X), the symbol column of 10x features. These may be Ensembl ids; gene
     * alignment resolves them.
     */
    List<String> geneSymbols();

    /** Gene ids (usually Ensembl) when the study carries them separately from {@link #geneSymbols()}. */
    Optional<List<String>> geneIds();

    /** Names of the other per-gene columns (h5ad var columns; 10x {@code gene_ids}, {@code feature_types}). */
    List<String> varColumnNames();

    /** One per-gene column as strings (categoricals decoded). Throws if there is no such column. */
    List<String> varColumn(String name);

    /** Names of the per-cell columns (h5ad obs columns; none for 10x). */
    List<String> obsColumnNames();

    /**
     * One per-cell column as strings: categoricals decoded (both the current {@code categories} /
     * {@code codes} encoding and the older ones), numbers in Java's decimal form, booleans as
     * {@code True}/{@code False}, missing values (null codes, NaN, masked) as the empty string. Read on
     * demand. Throws if there is no such column.
     */
    List<String> obsColumn(String name);

    /**
     * A fresh pass over the validated raw counts (for Matrix Market and CSC the first call makes the
     * one validating pass that fills the spool, so bad counts surface here rather than in {@code next()}): blocks of {@code chunkRows} cells (the last may be
     * shorter) over {@link #geneCount()} genes, in cell order. Values are exact integers held as floats.
     */
    default Iterator<CsrBatch> batches(int chunkRows) {
        return batches(chunkRows, 0);
    }

    /**
     * As {@link #batches(int)}, starting at cell {@code firstRow} (0 to {@link #cellCount()}), so a
     * consumer that recorded how far it got can resume there. Chunks start at {@code firstRow},
     * {@code firstRow + chunkRows}, ...
     */
    Iterator<CsrBatch> batches(int chunkRows, int firstRow);

    /**
     * The counts of the given cells only: {@code rows} (strictly increasing row numbers) in that order, in blocks
     * of at most {@code chunkRows} of them. A block reads the span of study rows from its first to its last
     * wanted row, at most {@code chunkRows} rows; a longer gap is skipped by starting a fresh pass after it, so
     * picking a few cells of a large study reads little more than those cells (after the one spool of the whole
     * matrix that Matrix Market and CSC files need).
     */
    default Iterator<CsrBatch> selectedRows(int[] rows, int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
        }
        int[] wanted = rows.clone();
        for (int i = 0; i < wanted.length; i++) {
            if (wanted[i] < 0 || wanted[i] >= cellCount() || (i > 0 && wanted[i] <= wanted[i - 1])) {
                throw new IllegalArgumentException("rows must increase strictly within [0, " + cellCount() + "): row "
                        + wanted[i] + " at position " + i);
            }
        }
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < wanted.length;
            }

            @Override
            public CsrBatch next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                int first = wanted[next];
                int end = next;
                while (end < wanted.length && end - next < chunkRows && wanted[end] - first < chunkRows) {
                    end++;
                }
                int span = wanted[end - 1] - first + 1;
                CsrBatch block = batches(span, first).next();
                boolean[] keep = new boolean[span];
                for (int i = next; i < end; i++) {
                    keep[wanted[i] - first] = true;
                }
                next = end;
                return block.selectRows(keep);
            }
        };
    }

    @Override
    void close();
}
