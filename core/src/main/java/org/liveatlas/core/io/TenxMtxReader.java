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
        this.barcodes = new ArrayList<>();
        for (String line : readLines(barcodesFile)) {
            barcodes.add(line.split("\t", -1)[0]);
        }
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
        this.symbols = List.copyOf(sym);
        this.ids = id.size() == sym.size() ? List.copyOf(id) : List.of();
        this.types = type.size() == sym.size() ? List.copyOf(type) : List.of();

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
        if (symbols.size() != declaredGenes) {
            throw new PoisonInputException("10x folder " + folder + ": " + featuresFile.getFileName() + " has "
                    + symbols.size() + " genes but " + matrixFile.getFileName() + " declares " + declaredGenes
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
        return declaredGenes;
    }

    @Override
    public List<String> cellIds() {
        return List.copyOf(barcodes);
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
    public Iterator<CsrBatch> batches(int chunkRows) {
        if (spool == null) {
            spool = buildSpool();
        }
        CellMajorSpool s = spool;
        return new RowChunks(declaredCells, chunkRows, (first, count) -> s.read(first, count, declaredGenes));
    }

    private CellMajorSpool buildSpool() {
        CountsValidator validator = new CountsValidator(matrixFile, "the matrix", barcodes, symbols);
        long[] perCell = new long[declaredCells];
        scanEntries((gene, cell, value) -> {
            validator.check(value, cell, gene);
            perCell[cell]++;
        });
        CellMajorSpool s = new CellMajorSpool(perCell);
        try {
            scanEntries((gene, cell, value) -> s.put(cell, gene, (float) value));
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @FunctionalInterface
    private interface EntrySink {
        void accept(int gene, int cell, double value);
    }

    private void scanEntries(EntrySink sink) {
        try (MtxScanner in = new MtxScanner(matrixFile)) {
            in.banner();
            in.sizeLine();
            for (long e = 0; e < declaredEntries; e++) {
                long gene = in.nextLong();
                if (gene == Long.MIN_VALUE) {
                    throw new PoisonInputException(matrixFile + " declares " + declaredEntries
                            + " entries but ends after " + e + "; the file is truncated");
                }
                long cell = in.nextLong();
                double value = pattern ? 1.0 : in.nextDouble();
                if (cell == Long.MIN_VALUE || Double.isNaN(value) && in.atEnd()) {
                    throw new PoisonInputException(
                            matrixFile + ": entry " + (e + 1) + " is incomplete; the file is truncated");
                }
                if (gene < 1 || gene > declaredGenes || cell < 1 || cell > declaredCells) {
                    throw new PoisonInputException(matrixFile + ": entry " + (e + 1) + " at (" + gene + ", " + cell
                            + ") lies outside the declared " + declaredGenes + " genes x " + declaredCells
                            + " cells (1-based)");
                }
                sink.accept((int) gene - 1, (int) cell - 1, value);
                in.endLine(e + 1);
            }
            if (in.nextLong() != Long.MIN_VALUE) {
                throw new PoisonInputException(
                        matrixFile + " holds more than the " + declaredEntries + " entries its size line declares");
            }
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

    /** A byte-level tokenizer for Matrix Market text: integers fast, anything else through parseDouble. */
    private static final class MtxScanner implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final StringBuilder token = new StringBuilder();
        private int peek = -2;
        private boolean end;

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
                return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
            } catch (NumberFormatException e) {
                throw new PoisonInputException(file + ": malformed size line '" + line + "'", e);
            }
        }

        boolean atEnd() {
            return end;
        }

        /** The next whitespace-separated integer, or {@code Long.MIN_VALUE} at the end of the file. */
        long nextLong() {
            String t = nextToken();
            if (t == null) {
                return Long.MIN_VALUE;
            }
            try {
                return Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new PoisonInputException(file + ": expected an integer index, got '" + t + "'", e);
            }
        }

        /** The next value; NaN at the end of the file (the caller checks {@link #atEnd()}). */
        double nextDouble() {
            String t = nextToken();
            if (t == null) {
                return Double.NaN;
            }
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
                throw new PoisonInputException(file + ": expected a number, got '" + t + "'", e);
            }
        }

        /** Skips the rest of the current line; entry lines hold exactly three fields. */
        void endLine(long entry) {
            int c = read();
            while (c == ' ' || c == '\t' || c == '\r') {
                c = read();
            }
            if (c != '\n' && c != -1) {
                throw new PoisonInputException(file + ": entry " + entry + " has more fields than 'row col value'");
            }
        }

        private String nextToken() {
            int c = read();
            while (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                c = read();
            }
            if (c == -1) {
                end = true;
                return null;
            }
            token.setLength(0);
            while (c != -1 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                token.append((char) c);
                c = read();
            }
            peek = c;
            return token.toString();
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
            if (peek != -2) {
                int c = peek;
                peek = -2;
                return c;
            }
            try {
                return in.read();
            } catch (EOFException e) {
                throw new PoisonInputException(file + " ends early; the file is truncated", e);
            } catch (IOException e) {
                throw new PoisonInputException(
                        file + " cannot be read (" + e.getMessage() + "); the file is corrupt", e);
            }
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
