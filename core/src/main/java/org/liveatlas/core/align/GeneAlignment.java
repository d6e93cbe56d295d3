package org.liveatlas.core.align;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Maps a study's gene columns onto a model's gene order, as SCimilarity's {@code align_dataset}:
 * model genes the study lacks are zero-filled, study genes the model lacks are dropped, and columns
 * that carry the same symbol are summed (SCimilarity leaves duplicates to the caller).
 *
 * <p>The plan is computed once per study (a study-column to model-column map); {@link #apply} then
 * costs one pass over a batch's non-zeros, plus, when the study's order differs from the model's, a
 * scan of the bitset words spanning each row's model columns. A study sharing fewer than {@link AlignOptions#minSharedGenes()}
 * distinct model genes is rejected with {@link PoisonInputException}. Immutable and thread-safe.
 */
public final class GeneAlignment {
    private static final List<String> SYMBOL_COLUMN_HINTS = List.of(
            "gene_symbols", "gene_symbol", "symbol", "symbols", "feature_name", "gene_name", "gene_names", "name");

    private final int[] columnMap;
    private final int modelGenes;
    private final boolean monotone;
    private final List<String> studySymbols;
    private final AlignmentReport report;

    private GeneAlignment(
            int[] columnMap, int modelGenes, boolean monotone, List<String> studySymbols, AlignmentReport report) {
        this.columnMap = columnMap;
        this.modelGenes = modelGenes;
        this.monotone = monotone;
        this.studySymbols = studySymbols;
        this.report = report;
    }

    /**
     * Plans the alignment of {@code study}'s columns, named {@code studyGenes} (symbols), to
     * {@code modelGenes}. Throws {@link PoisonInputException} when too few genes are shared.
     */
    public static GeneAlignment plan(
            String study, List<String> studyGenes, List<String> modelGenes, AlignOptions options) {
        return plan(study, studyGenes, "gene names", modelGenes, options);
    }

    /**
     * Plans the alignment of an opened study, choosing the gene names that match the model best:
     * the study's gene names (var index or 10x symbols), any var column (e.g. {@code gene_symbols}
     * beside an Ensembl index), or the study's names or ids through {@link AlignOptions#idToSymbol()}.
     */
    public static GeneAlignment plan(String study, StudyReader reader, List<String> modelGenes, AlignOptions options) {
        Map<String, Integer> modelIndex = index(modelGenes);
        String bestSource = reader.format().name().startsWith("TENX") ? "gene symbols" : "var index";
        List<String> best = reader.geneSymbols();
        int bestShared = shared(best, modelIndex);
        List<String> candidates = new ArrayList<>();
        for (String hint : SYMBOL_COLUMN_HINTS) {
            if (reader.varColumnNames().contains(hint)) {
                candidates.add(hint);
            }
        }
        for (String col : reader.varColumnNames()) {
            if (!candidates.contains(col)) {
                candidates.add(col);
            }
        }
        for (String col : candidates) {
            List<String> names = reader.varColumn(col);
            int s = shared(names, modelIndex);
            if (s > bestShared) {
                best = names;
                bestShared = s;
                bestSource = "var column '" + col + "'";
            }
        }
        if (!options.idToSymbol().isEmpty()) {
            List<List<String>> idLists = new ArrayList<>();
            idLists.add(reader.geneSymbols());
            reader.geneIds().ifPresent(idLists::add);
            for (List<String> ids : idLists) {
                List<String> mapped = ids.stream()
                        .map(id -> options.idToSymbol().getOrDefault(stripVersion(id), id))
                        .toList();
                int s = shared(mapped, modelIndex);
                if (s > bestShared) {
                    best = mapped;
                    bestShared = s;
                    bestSource = "gene ids via the id-to-symbol table";
                }
            }
        }
        return plan(study, best, bestSource, modelGenes, options);
    }

    private static GeneAlignment plan(
            String study, List<String> studyGenes, String source, List<String> modelGenes, AlignOptions options) {
        Objects.requireNonNull(study, "study");
        Map<String, Integer> modelIndex = index(modelGenes);
        int[] map = new int[studyGenes.size()];
        boolean[] seen = new boolean[modelGenes.size()];
        int shared = 0;
        int dropped = 0;
        int duplicates = 0;
        boolean monotone = true;
        int last = -1;
        for (int c = 0; c < map.length; c++) {
            Integer m = modelIndex.get(studyGenes.get(c));
            if (m == null) {
                map[c] = -1;
                dropped++;
                continue;
            }
            map[c] = m;
            if (seen[m]) {
                duplicates++;
            } else {
                seen[m] = true;
                shared++;
            }
            if (m <= last) {
                monotone = false;
            }
            last = m;
        }
        if (shared < options.minSharedGenes()) {
            throw new PoisonInputException(String.format(
                    Locale.ROOT,
                    "study %s: only %,d of the model's %,d genes found (need %,d); are var names gene symbols?"
                            + " (matched on %s; %,d study genes)",
                    study,
                    shared,
                    modelGenes.size(),
                    options.minSharedGenes(),
                    source,
                    studyGenes.size()));
        }
        AlignmentReport report = new AlignmentReport(
                study,
                source,
                modelGenes.size(),
                studyGenes.size(),
                shared,
                modelGenes.size() - shared,
                dropped,
                duplicates);
        return new GeneAlignment(map, modelGenes.size(), monotone, List.copyOf(studyGenes), report);
    }

    private static Map<String, Integer> index(List<String> modelGenes) {
        Map<String, Integer> index = new HashMap<>(modelGenes.size() * 2);
        for (int i = 0; i < modelGenes.size(); i++) {
            if (index.putIfAbsent(modelGenes.get(i), i) != null) {
                throw new IllegalArgumentException("the model's gene order lists '" + modelGenes.get(i) + "' twice (at "
                        + index.get(modelGenes.get(i)) + " and " + i + ")");
            }
        }
        return index;
    }

    private static int shared(List<String> names, Map<String, Integer> modelIndex) {
        boolean[] seen = new boolean[modelIndex.size()];
        int n = 0;
        for (String name : names) {
            Integer m = modelIndex.get(name);
            if (m != null && !seen[m]) {
                seen[m] = true;
                n++;
            }
        }
        return n;
    }

    // Ensembl ids sometimes carry a version suffix (ENSG00000141510.17); tables usually do not.
    private static String stripVersion(String id) {
        int dot = id.indexOf('.');
        return id.startsWith("ENS") && dot > 0 ? id.substring(0, dot) : id;
    }

    public AlignmentReport report() {
        return report;
    }

    /** The symbol each study column was matched by (the resolved names), in study order. */
    public List<String> studySymbols() {
        return studySymbols;
    }

    /** For each study column, its model column, or -1 when dropped. */
    public int[] columnMap() {
        return columnMap.clone();
    }

    public int studyGenes() {
        return columnMap.length;
    }

    public int modelGenes() {
        return modelGenes;
    }

    /** The same cells over the model's genes: missing genes zero, extra genes dropped, duplicates summed. */
    public CsrBatch apply(CsrBatch counts) {
        if (counts.cols() != columnMap.length) {
            throw new IllegalArgumentException(
                    "batch has " + counts.cols() + " gene columns but the study has " + columnMap.length);
        }
        int rows = counts.rows();
        int[] inPtr = counts.indptr();
        int[] inIdx = counts.indices();
        float[] inVal = counts.values();
        int[] outPtr = new int[rows + 1];
        int[] outIdx = new int[inIdx.length];
        float[] outVal = new float[inIdx.length];
        int nnz = 0;
        if (monotone) {
            for (int r = 0; r < rows; r++) {
                for (int p = inPtr[r]; p < inPtr[r + 1]; p++) {
                    int m = columnMap[inIdx[p]];
                    if (m >= 0) {
                        outIdx[nnz] = m;
                        outVal[nnz++] = inVal[p];
                    }
                }
                outPtr[r + 1] = nnz;
            }
        } else {
            // Study order differs from the model's: accumulate the row in a dense scratch row, mark
            // touched columns in a bitset, and emit them by scanning the touched words in order
            // (cheaper than sorting each row's columns).
            float[] acc = new float[modelGenes];
            long[] touched = new long[(modelGenes + 63) >>> 6];
            for (int r = 0; r < rows; r++) {
                int lo = touched.length;
                int hi = -1;
                for (int p = inPtr[r]; p < inPtr[r + 1]; p++) {
                    int m = columnMap[inIdx[p]];
                    if (m < 0) {
                        continue;
                    }
                    int w = m >>> 6;
                    long bit = 1L << m;
                    if ((touched[w] & bit) != 0) {
                        acc[m] += inVal[p];
                    } else {
                        touched[w] |= bit;
                        acc[m] = inVal[p];
                        lo = Math.min(lo, w);
                        hi = Math.max(hi, w);
                    }
                }
                for (int w = lo; w <= hi; w++) {
                    long word = touched[w];
                    while (word != 0) {
                        int m = (w << 6) + Long.numberOfTrailingZeros(word);
                        outIdx[nnz] = m;
                        outVal[nnz++] = acc[m];
                        word &= word - 1;
                    }
                    touched[w] = 0;
                }
                outPtr[r + 1] = nnz;
            }
        }
        return new CsrBatch(rows, modelGenes, outPtr, Arrays.copyOf(outIdx, nnz), Arrays.copyOf(outVal, nnz));
    }
}
