package org.liveatlas.core.io;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Reads a 10x Genomics folder: {@code matrix.mtx(.gz)} (Matrix Market coordinate, genes x cells),
 * {@code features.tsv(.gz)} (Cell Ranger 3: id, symbol, type; a single symbol column is accepted) or
 * {@code genes.tsv(.gz)} (Cell Ranger 2: id, symbol), and {@code barcodes.tsv(.gz)}.
 *
 * <p>Matrix Market lists entries in any order (Cell Ranger writes them cell by cell, other tools do
 * not), so the first {@link #batches} call makes two passes over the text: one validates every entry
 * and counts entries per cell, the second scatters them into a {@link CellMajorSpool}. Heap use is 12
 * bytes per cell; the spool takes {@code 8 * nnz} bytes of temporary disk. Entries are validated in
 * file order, so the offending entry named is the first in the file.
 */
final class TenxMtxReader implements StudyReader {
    private final Path folder;
    private final Path matrixFile;
    private final Path featuresFile;
    private final List<String> barcodes;
    private final List<String> symbols;
    private final List<String> ids;
    private final List<String> types;
    private final List<String> allSymbols;
    private final FeatureSelection selection;
    private final int declaredGenes;
    private final int declaredCells;
    private final long declaredEntries;
    private final boolean pattern;
    private CellMajorSpool spool;

    TenxMtxReader(Path folder) {
        this.folder = folder;
        this.matrixFile = find(folder, "matrix.mtx")
                .orElseThrow(
                        () -> new PoisonInputException("10x folder " + folder + ": no matrix.mtx or matrix.mtx.gz"));
        this.featuresFile = find(folder, "features.tsv")
                .or(() -> find(folder, "genes.tsv"))
                .orElseThrow(() -> new PoisonInputException(
                        "10x folder " + folder + ": no features.tsv(.gz) or genes.tsv(.gz) beside the matrix"));
        Path barcodesFile = find(folder, "barcodes.tsv")
                .orElseThrow(() -> new PoisonInputException("10x folder " + folder + ": no barcodes.tsv(.gz)"));
        List<String> cellIds = new ArrayList<>();
        for (String line : readLines(barcodesFile)) {
            cellIds.add(line.split("\t", -1)[0]);
        }
        this.barcodes = List.copyOf(cellIds);
        List<String> sym = new ArrayList<>();
        List<String> id = new ArrayList<>();
        List<String> type = new ArrayList<>();
        for (String line : readLines(featuresFile)) {
            String[] f = line.split("\t", -1);
            if (f.length == 1) {
                sym.add(f[0]);
            } else {
                id.add(f[0]);
                sym.add(f[1]);
                if (f.length > 2) {
                    type.add(f[2]);
                }
            }
        }
        this.allSymbols = List.copyOf(sym);
        List<String> allTypes = type.size() == sym.size() ? List.copyOf(type) : List.of();
        this.selection = FeatureSelection.of(allTypes, sym.size());
        this.symbols = selection.select(allSymbols);
        this.ids = id.size() == sym.size() ? selection.select(List.copyOf(id)) : List.of();
        this.types = selection.select(allTypes);

        try (MtxScanner in = new MtxScanner(matrixFile)) {
            String[] banner = in.banner();
            this.pattern = banner[3].equals("pattern");
            long[] size = in.sizeLine();
            if (size[0] > Integer.MAX_VALUE - 8 || size[1] > Integer.MAX_VALUE - 8) {
                throw new PoisonInputException(matrixFile + ": size " + size[0] + " x " + size[1] + " is too large");
            }
            this.declaredGenes = (int) size[0];
            this.declaredCells = (int) size[1];
            this.declaredEntries = size[2];
        }
        if (declaredCells == 0 || declaredGenes == 0) {
            throw new PoisonInputException(
                    matrixFile + " is empty (" + declaredGenes + " genes x " + declaredCells + " cells)");
        }
        if (barcodes.size() != declaredCells) {
            throw new PoisonInputException("10x folder " + folder + ": " + barcodesFile.getFileName() + " has "
                    + barcodes.size() + " barcodes but " + matrixFile.getFileName() + " declares " + declaredCells
                    + " cells (genes x cells)");
        }
        if (allSymbols.size() != declaredGenes) {
            throw new PoisonInputException("10x folder " + folder + ": " + featuresFile.getFileName() + " has "
                    + allSymbols.size() + " features but " + matrixFile.getFileName() + " declares " + declaredGenes
                    + " genes (genes x cells)");
        }
    }

    @Override
    public Path source() {
        return folder;
    }

    @Override
    public StudyFormat format() {
        return StudyFormat.TENX_MTX;
    }

    @Override
    public String countsLocation() {
        return matrixFile.getFileName().toString();
    }

    @Override
    public int cellCount() {
        return declaredCells;
    }

    @Override
    public int geneCount() {
        return selection.kept();
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
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids);
    }

    @Override
    public List<String> varColumnNames() {
        List<String> names = new ArrayList<>();
        if (!ids.isEmpty()) {
            names.add("gene_ids");
        }
        if (!types.isEmpty()) {
            names.add("feature_types");
        }
        return List.copyOf(names);
    }

    @Override
    public List<String> varColumn(String name) {
        if (name.equals("gene_ids") && !ids.isEmpty()) {
            return ids;
        }
        if (name.equals("feature_types") && !types.isEmpty()) {
            return types;
        }
        throw new IllegalArgumentException("10x folder " + folder + " has no gene column '" + name + "'");
    }

    @Override
    public List<String> obsColumnNames() {
        return List.of();
    }

    @Override
    public List<String> obsColumn(String name) {
        throw new IllegalArgumentException("10x folder " + folder + " has no cell column '" + name + "'");
    }

    @Override
    public Iterator<CsrBatch> batches(int chunkRows, int firstRow) {
        if (spool == null) {
            spool = buildSpool();
        }
        CellMajorSpool s = spool;
        return new RowChunks(
                declaredCells, chunkRows, firstRow, (first, count) -> s.read(first, count, selection.kept()));
    }

    // One pass over the text: validate, and log entries in file order; the log becomes the spool
    // as it is when the file lists cells in order, else it is scattered once (see CellMajorSpool).
    private CellMajorSpool buildSpool() {
        CountsValidator validator = new CountsValidator(matrixFile, "the matrix", barcodes, allSymbols);
        try (CellMajorSpool.Log log = new CellMajorSpool.Log(declaredCells)) {
            try (MtxScanner in = new MtxScanner(matrixFile)) {
                in.banner();
                in.sizeLine();
                for (long e = 1; e <= declaredEntries; e++) {
                    long gene = in.nextIndex(e);
                    long cell = in.nextIndex(e);
                    double value = pattern ? 1.0 : in.nextValue(e);
                    if (gene < 1 || gene > declaredGenes || cell < 1 || cell > declaredCells) {
                        throw new PoisonInputException(matrixFile + ": entry " + e + " at (" + gene + ", " + cell
                                + ") lies outside the declared " + declaredGenes + " genes x " + declaredCells
                                + " cells (1-based)");
                    }
                    int g = (int) gene - 1;
                    int c = (int) cell - 1;
                    float v = (float) validator.check(value, c, g);
                    int col = selection.column(g);
                    if (col >= 0) {
                        log.append(c, col, v);
                    }
                    in.endLine(e);
                }
                if (!in.atEnd()) {
                    throw new PoisonInputException(
                            matrixFile + " holds more than the " + declaredEntries + " entries its size line declares");
                }
            }
            return log.toSpool();
        }
    }

    @Override
    public void close() {
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }

    static Optional<Path> find(Path folder, String name) {
        Path plain = folder.resolve(name);
        if (Files.isRegularFile(plain)) {
            return Optional.of(plain);
        }
        Path gz = folder.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? Optional.of(gz) : Optional.empty();
    }

    static InputStream openMaybeGzip(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return file.getFileName().toString().endsWith(".gz")
                ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)
                : raw;
    }

    private static List<String> readLines(Path file) {
        List<String> out = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(openMaybeGzip(file), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isEmpty()) {
                    out.add(line);
                }
            }
        } catch (EOFException e) {
            throw new PoisonInputException(file + " ends early; the file is truncated", e);
        } catch (IOException e) {
            throw new PoisonInputException(file + " cannot be read (" + e.getMessage() + "); the file is corrupt", e);
        }
        return out;
    }

    /**
     * A tokenizer for Matrix Market text over its own buffer: indices and integer values are parsed
     * from bytes without allocating; anything else (decimals, exponents, nan, inf) goes through
     * {@link Double#parseDouble}.
     */
    private static final class MtxScanner implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final byte[] buf = new byte[1 << 16];
        private final StringBuilder token = new StringBuilder();
        private int pos;
        private int lim;
        private long declared;

        MtxScanner(Path file) {
            this.file = file;
            try {
                this.in = openMaybeGzip(file);
            } catch (IOException e) {
                throw new PoisonInputException(file + " cannot be opened (" + e.getMessage() + ")", e);
            }
        }

        String[] banner() {
            String line = readLine();
            String[] f = line == null
                    ? new String[0]
                    : line.trim().toLowerCase(Locale.ROOT).split("\\s+");
            if (f.length < 5 || !f[0].equals("%%matrixmarket") || !f[1].equals("matrix")) {
                throw new PoisonInputException(
                        file + " does not start with a Matrix Market banner (got '" + line + "')");
            }
            if (!f[2].equals("coordinate")) {
                throw new PoisonInputException(
                        file + " is a Matrix Market '" + f[2] + "' matrix; 10x matrices are 'coordinate'");
            }
            if (!List.of("integer", "real", "pattern", "double").contains(f[3])) {
                throw new PoisonInputException(
                        file + " has Matrix Market field '" + f[3] + "'; counts must be integer, real or pattern");
            }
            if (!f[4].equals("general")) {
                throw new PoisonInputException(
                        file + " has Matrix Market symmetry '" + f[4] + "'; 10x matrices are 'general'");
            }
            return f;
        }

        long[] sizeLine() {
            String line;
            do {
                line = readLine();
            } while (line != null && (line.startsWith("%") || line.isBlank()));
            String[] f = line == null ? new String[0] : line.trim().split("\\s+");
            if (f.length != 3) {
                throw new PoisonInputException(file + ": expected a size line 'rows cols entries', got '" + line + "'");
            }
            try {
                declared = Long.parseLong(f[2]);
                return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), declared};
            } catch (NumberFormatException e) {
                throw new PoisonInputException(file + ": malformed size line '" + line + "'", e);
            }
        }

        /** True when only whitespace is left. */
        boolean atEnd() {
            int c = skipSpace();
            unread(c);
            return c == -1;
        }

        /** The next 1-based index of entry {@code entry}. */
        long nextIndex(long entry) {
            int c = skipSpace();
            if (c == -1) {
                throw truncated(entry);
            }
            long v = 0;
            int digits = 0;
            while (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                digits++;
                c = read();
            }
            if (digits == 0 || digits > 18 || !(c == -1 || isSpace(c))) {
                throw new PoisonInputException(
                        file + ": entry " + entry + " has a malformed index; the file is corrupt");
            }
            unread(c);
            return v;
        }

        /** The value of entry {@code entry}. */
        double nextValue(long entry) {
            int c = skipSpace();
            if (c == -1) {
                throw truncated(entry);
            }
            token.setLength(0);
            boolean negative = c == '-';
            if (negative || c == '+') {
                token.append((char) c);
                c = read();
            }
            long v = 0;
            int digits = 0;
            while (c >= '0' && c <= '9' && digits < 18) {
                v = v * 10 + (c - '0');
                token.append((char) c);
                digits++;
                c = read();
            }
            if (digits > 0 && (c == -1 || isSpace(c))) {
                unread(c);
                return negative ? -v : v;
            }
            while (c != -1 && !isSpace(c)) {
                token.append((char) c);
                c = read();
            }
            unread(c);
            String t = token.toString();
            try {
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                String lower = t.toLowerCase(Locale.ROOT);
                if (lower.equals("inf") || lower.equals("+inf")) {
                    return Double.POSITIVE_INFINITY;
                }
                if (lower.equals("-inf")) {
                    return Double.NEGATIVE_INFINITY;
                }
                if (lower.equals("nan")) {
                    return Double.NaN;
                }
                throw new PoisonInputException(file + ": entry " + entry + " has value '" + t + "', not a number", e);
            }
        }

        /** Consumes the end of entry {@code entry}'s line; entry lines hold exactly three fields. */
        void endLine(long entry) {
            int c = read();
            while (c == ' ' || c == '\t' || c == '\r') {
                c = read();
            }
            if (c != '\n' && c != -1) {
                throw new PoisonInputException(file + ": entry " + entry + " has more fields than 'row col value'");
            }
        }

        private PoisonInputException truncated(long entry) {
            return new PoisonInputException(file + " declares " + declared + " entries but ends after " + (entry - 1)
                    + "; the file is truncated");
        }

        private static boolean isSpace(int c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        /** Consumes whitespace and returns the first other character (consumed), or -1 at the end. */
        private int skipSpace() {
            int c = read();
            while (isSpace(c)) {
                c = read();
            }
            return c;
        }

        private void unread(int c) {
            if (c != -1) {
                pos--;
            }
        }

        private String readLine() {
            StringBuilder sb = new StringBuilder();
            int c = read();
            if (c == -1) {
                return null;
            }
            while (c != -1 && c != '\n') {
                sb.append((char) c);
                c = read();
            }
            return sb.toString();
        }

        private int read() {
            if (pos == lim) {
                try {
                    lim = in.read(buf, 0, buf.length);
                } catch (EOFException e) {
                    throw new PoisonInputException(file + " ends early; the file is truncated", e);
                } catch (IOException e) {
                    throw new PoisonInputException(
                            file + " cannot be read (" + e.getMessage() + "); the file is corrupt", e);
                }
                pos = 0;
                if (lim <= 0) {
                    lim = 0;
                    return -1;
                }
            }
            return buf[pos++] & 0xff;
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
