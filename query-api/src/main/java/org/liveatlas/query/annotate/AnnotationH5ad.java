package org.liveatlas.query.annotate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.liveatlas.core.io.AnnDataWriter;
import org.liveatlas.core.io.PickedRows;
import org.liveatlas.core.io.StudyReader;
import org.liveatlas.core.io.StudyReaders;
import org.liveatlas.core.matrix.CsrBatch;

/**
 * Writes an annotation as an AnnData {@code .h5ad}, as SCimilarity's {@code annotate_dataset} adds its
 * results to the input: {@code obs} indexed by the upload's cell ids with {@code celltype_hint} (the
 * voted label), {@code min_dist}, {@code celltype_hint_stat} (vsAll), {@code celltype_hint_weighted_stat}
 * and ours ({@code celltype_call} with {@code unknown}, {@code unknown} as 0/1, {@code max_dist}, {@code
 * vs2nd}, {@code vs2nd_weighted}, {@code neighbours}, the cluster columns when asked), and the
 * embeddings in {@code obsm/X_scimilarity} (float32, cells x latent). When the upload is still at hand
 * (always, for the API's own results) the file is the upload itself with those additions: {@code X} holds
 * its raw counts (float32 CSR) for the annotated cells, {@code var} its genes, and {@code obs} its own
 * string columns before ours (a column of the upload named like one of ours is replaced, as
 * {@code annotate_dataset} overwrites). Cells the annotation dropped (no counts) are not in the file. The
 * model version and unknown threshold are root attributes ({@code liveatlas_model_version}, {@code
 * liveatlas_unknown_threshold}).
 *
 * <p>Strings are fixed-length UTF-8 (jhdf writes no variable-length strings; anndata decodes them), so
 * labels load as str columns; distances missing for a cell without voters are NaN.
 */
final class AnnotationH5ad {
    /** Media type of the {@code .h5ad} download. */
    static final String MEDIA_TYPE = "application/x-hdf5";
    /** obsm key of the embeddings, SCimilarity's. */
    static final String EMBEDDING_KEY = "X_scimilarity";

    private AnnotationH5ad() {}

    /** Writes {@code r} to {@code file} without the input's counts (an empty {@code var}). */
    static void write(AnnotationResult r, Path file) {
        write(r, null, file);
    }

    /**
     * Writes {@code r} to {@code file}, with the counts, genes and obs columns of {@code input} (the
     * annotated upload) when it is not null.
     */
    static void write(AnnotationResult r, Path input, Path file) {
        List<CellAnnotation> cells = r.cells().list();
        Map<String, Object> obs = new LinkedHashMap<>();
        Input in = input == null ? null : Input.read(input, cells);
        if (in != null) {
            in.obs().forEach(obs::put);
        }
        for (String ours : List.of(
                "celltype_hint",
                "celltype_call",
                "unknown",
                "min_dist",
                "max_dist",
                "celltype_hint_stat",
                "celltype_hint_weighted_stat",
                "vs2nd",
                "vs2nd_weighted",
                "neighbours",
                "celltype_hint_ontology_id",
                "celltype_call_ontology_id")) {
            obs.remove(ours);
        }
        if (!r.clusters().isEmpty()) {
            obs.remove("cluster");
            obs.remove("cluster_label");
        }
        obs.put("celltype_hint", strings(cells, c -> orEmpty(c.votedLabel())));
        obs.put("celltype_call", strings(cells, CellAnnotation::label));
        obs.put("celltype_hint_ontology_id", strings(cells, c -> orEmpty(c.votedLabelOntologyId())));
        obs.put("celltype_call_ontology_id", strings(cells, c -> orEmpty(c.labelOntologyId())));
        obs.put("unknown", cells.stream().mapToInt(c -> c.unknown() ? 1 : 0).toArray());
        obs.put("min_dist", doubles(cells, CellAnnotation::minDist));
        obs.put("max_dist", doubles(cells, CellAnnotation::maxDist));
        obs.put("celltype_hint_stat", doubles(cells, CellAnnotation::vsAll));
        obs.put("celltype_hint_weighted_stat", doubles(cells, CellAnnotation::vsAllWeighted));
        obs.put("vs2nd", doubles(cells, CellAnnotation::vs2nd));
        obs.put("vs2nd_weighted", doubles(cells, CellAnnotation::vs2ndWeighted));
        obs.put(
                "neighbours",
                cells.stream().mapToInt(CellAnnotation::neighbours).toArray());
        if (!r.clusters().isEmpty()) {
            obs.put("cluster", strings(cells, c -> orEmpty(c.cluster())));
            obs.put("cluster_label", strings(cells, c -> orEmpty(c.clusterLabel())));
        }
        List<float[]> embList = new ArrayList<>();
        r.cells().embeddings().forEach(embList::add);
        try (AnnDataWriter w = AnnDataWriter.create(file)) {
            w.attribute("liveatlas_model_version", r.modelVersion());
            if (r.unknownThreshold() != null) {
                w.attribute("liveatlas_unknown_threshold", r.unknownThreshold());
            }
            w.obs(cells.stream().map(CellAnnotation::cellId).toList(), obs);
            if (in != null) {
                w.x(in.counts());
                // var always has a column (jhdf writes no empty dataframe): the gene symbols (as anndata's
                // var_names), and the gene ids where the upload has them
                Map<String, Object> var = new LinkedHashMap<>();
                var.put("gene_symbols", in.genes());
                if (in.geneIds() != null) {
                    var.put("gene_ids", in.geneIds());
                }
                w.var(in.genes(), var);
            }
            w.obsm(EMBEDDING_KEY, embList.toArray(new float[0][]));
        }
    }

    private static String[] strings(List<CellAnnotation> cells, Function<CellAnnotation, String> f) {
        List<String> out = new ArrayList<>(cells.size());
        cells.forEach(c -> out.add(f.apply(c)));
        return out.toArray(new String[0]);
    }

    private static double[] doubles(List<CellAnnotation> cells, Function<CellAnnotation, Double> f) {
        return cells.stream()
                .mapToDouble(c -> {
                    Double d = f.apply(c);
                    return d == null ? Double.NaN : d;
                })
                .toArray();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** The upload's counts for the annotated cells (in the result's order), its genes and string obs columns. */
    private record Input(CsrBatch counts, List<String> genes, List<String> geneIds, Map<String, Object> obs) {

        static Input read(Path input, List<CellAnnotation> cells) {
            try (StudyReader reader = StudyReaders.open(input)) {
                List<String> ids = reader.cellIds();
                Map<String, Integer> rowOf = new HashMap<>();
                for (int i = 0; i < ids.size(); i++) {
                    rowOf.putIfAbsent(ids.get(i), i);
                }
                int[] rows = new int[cells.size()];
                Integer[] byRow = new Integer[cells.size()];
                for (int i = 0; i < cells.size(); i++) {
                    Integer row = rowOf.get(cells.get(i).cellId());
                    if (row == null) {
                        throw new IllegalStateException("cell " + cells.get(i).cellId() + " is not in the upload");
                    }
                    rows[i] = row;
                    byRow[i] = i;
                }
                // read the annotated rows in the upload's order, each into its place in the result's order
                java.util.Arrays.sort(byRow, java.util.Comparator.comparingInt(i -> rows[i]));
                int[] sortedRows = new int[rows.length];
                int[] targets = new int[rows.length];
                for (int k = 0; k < rows.length; k++) {
                    sortedRows[k] = rows[byRow[k]];
                    targets[k] = byRow[k];
                }
                PickedRows counts = new PickedRows(cells.size(), reader.geneCount());
                counts.pick(reader, sortedRows, targets, null, 4096);
                Map<String, Object> obs = new LinkedHashMap<>();
                for (String name : reader.obsColumnNames()) {
                    List<String> column = reader.obsColumn(name);
                    String[] picked = new String[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        picked[i] = column.get(rows[i]) == null ? "" : column.get(rows[i]);
                    }
                    obs.put(name, picked);
                }
                return new Input(
                        counts.toBatch(), reader.geneSymbols(), reader.geneIds().orElse(null), obs);
            }
        }
    }
}
