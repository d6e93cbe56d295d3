package org.liveatlas.core.synth;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Writes counts as a 10x Genomics (Cell Ranger v3) filtered matrix folder: {@code matrix.mtx.gz}
 * (Matrix Market coordinate integer, genes x cells, 1-based, entries grouped by cell),
 * {@code features.tsv.gz} (gene id, symbol, {@code Gene Expression}) and {@code barcodes.tsv.gz}.
 *
 * <p>The output bytes depend only on the input: the JDK's gzip header carries no time stamp.
 */
public final class TenxWriter {

    public static final String MATRIX = "matrix.mtx.gz";
    public static final String FEATURES = "features.tsv.gz";
    public static final String BARCODES = "barcodes.tsv.gz";

    private TenxWriter() {}

    /** Writes {@code study} into folder {@code dir} (created if missing). */
    public static void write(Path dir, SyntheticStudy study) {
        write(
                dir,
                study.counts(),
                study.cellIds(),
                study.genes().ids(),
                study.genes().symbols());
    }

    /**
     * Writes a counts matrix (cells x genes, integer values) into folder {@code dir}.
     *
     * @param counts cells x genes
     * @param barcodes one per cell
     * @param geneIds one per gene (first column of features.tsv)
     * @param symbols one per gene (second column)
     */
    public static void write(
            Path dir, CsrBatch counts, List<String> barcodes, List<String> geneIds, List<String> symbols) {
        Objects.requireNonNull(dir, "dir");
        if (barcodes.size() != counts.rows() || geneIds.size() != counts.cols() || symbols.size() != counts.cols()) {
            throw new IllegalArgumentException("10x folder " + dir + ": " + counts + " needs " + counts.rows()
                    + " barcodes and " + counts.cols() + " genes, got " + barcodes.size() + ", " + geneIds.size()
                    + ", " + symbols.size());
        }
        try {
            Files.createDirectories(dir);
            int[] indptr = counts.indptr();
            int[] indices = counts.indices();
            float[] values = counts.values();
            try (Writer w = gzip(dir.resolve(MATRIX))) {
                w.write("%%MatrixMarket matrix coordinate integer general\n");
                w.write(counts.cols() + " " + counts.rows() + " " + counts.nnz() + "\n");
                StringBuilder line = new StringBuilder(32);
                for (int c = 0; c < counts.rows(); c++) {
                    for (int p = indptr[c]; p < indptr[c + 1]; p++) {
                        float v = values[p];
                        if (v != Math.rint(v) || v < 0) {
                            throw new IllegalArgumentException("10x folder " + dir + ": cell " + c + ", gene "
                                    + indices[p] + " holds " + v + ", not a non-negative integer count");
                        }
                        line.setLength(0);
                        line.append(indices[p] + 1)
                                .append(' ')
                                .append(c + 1)
                                .append(' ')
                                .append((long) v)
                                .append('\n');
                        w.append(line);
                    }
                }
            }
            try (Writer w = gzip(dir.resolve(FEATURES))) {
                for (int g = 0; g < geneIds.size(); g++) {
                    w.write(tsvField(geneIds.get(g)) + "\t" + tsvField(symbols.get(g)) + "\tGene Expression\n");
                }
            }
            try (Writer w = gzip(dir.resolve(BARCODES))) {
                for (String b : barcodes) {
                    w.write(tsvField(b) + "\n");
                }
            }
        } catch (IOException e) {
            throw new AtlasException("cannot write 10x folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String tsvField(String s) {
        if (s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("value " + s + " contains a tab or newline; it cannot go in a TSV");
        }
        return s;
    }

    private static Writer gzip(Path file) throws IOException {
        return new BufferedWriter(
                new OutputStreamWriter(
                        new GZIPOutputStream(Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8),
                1 << 16);
    }
}
