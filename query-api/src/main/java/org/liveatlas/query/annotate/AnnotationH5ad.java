package org.liveatlas.query.annotate;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
        try (WritableHdfFile f = HdfFile.write(file)) {
            encoding(f, "anndata", "0.1.0");
            f.putAttribute("liveatlas_model_version", r.modelVersion());
            if (r.unknownThreshold() != null) {
                f.putAttribute("liveatlas_unknown_threshold", r.unknownThreshold());
            }
            WritableGroup o = f.putGroup("obs");
            encoding(o, "dataframe", "0.2.0");
            o.putAttribute("_index", "_index");
            o.putAttribute("column-order", obs.keySet().toArray(new String[0]));
            stringArray(o, "_index", strings(cells, CellAnnotation::cellId));
            obs.forEach((name, values) -> {
                if (values instanceof String[] s) {
                    stringArray(o, name, s);
                } else {
                    WritableDataset d = o.putDataset(name, values);
                    encoding(d, "array", "0.2.0");
                }
            });
            if (in != null) {
                WritableGroup x = f.putGroup("X");
                encoding(x, "csr_matrix", "0.1.0");
                x.putAttribute(
                        "shape", new long[] {in.counts().rows(), in.counts().cols()});
                x.putDataset("data", in.counts().values());
                x.putDataset("indices", in.counts().indices());
                x.putDataset("indptr", in.counts().indptr());
                WritableGroup v = f.putGroup("var");
                encoding(v, "dataframe", "0.2.0");
                v.putAttribute("_index", "_index");
                // jhdf writes no empty string arrays, so var always has a column: the gene symbols (as anndata's
                // var_names), and the gene ids where the upload has them
                String[] symbols = in.genes().toArray(new String[0]);
                v.putAttribute(
                        "column-order",
                        in.geneIds() == null
                                ? new String[] {"gene_symbols"}
                                : new String[] {"gene_symbols", "gene_ids"});
                stringArray(v, "_index", symbols);
                stringArray(v, "gene_symbols", symbols);
                if (in.geneIds() != null) {
                    stringArray(v, "gene_ids", in.geneIds().toArray(new String[0]));
                }
            }
            WritableGroup obsm = f.putGroup("obsm");
            encoding(obsm, "dict", "0.1.0");
            List<float[]> embList = new java.util.ArrayList<>();
            r.cells().embeddings().forEach(embList::add);
            float[][] emb = embList.toArray(new float[0][]);
            WritableDataset e = obsm.putDataset(EMBEDDING_KEY, emb);
            encoding(e, "array", "0.2.0");
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

    private static void encoding(WritableNode node, String type, String version) {
        node.putAttribute("encoding-type", type);
        node.putAttribute("encoding-version", version);
    }

    private static void stringArray(WritableGroup g, String name, String[] values) {
        WritableDataset d = g.putDataset(name, values);
        encoding(d, "string-array", "0.2.0");
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
                int[] wanted = new int[ids.size()];
                java.util.Arrays.fill(wanted, -1);
                for (int i = 0; i < cells.size(); i++) {
                    Integer row = rowOf.get(cells.get(i).cellId());
                    if (row == null) {
                        throw new IllegalStateException("cell " + cells.get(i).cellId() + " is not in the upload");
                    }
                    rows[i] = row;
                    wanted[row] = i;
                }
                // stream the upload once, keeping the annotated rows, then lay them out in the result's order
                int[][] colsOf = new int[cells.size()][];
                float[][] valsOf = new float[cells.size()][];
                int row = 0;
                for (Iterator<CsrBatch> it = reader.batches(4096); it.hasNext(); ) {
                    CsrBatch b = it.next();
                    for (int r = 0; r < b.rows(); r++, row++) {
                        int target = wanted[row];
                        if (target < 0) {
                            continue;
                        }
                        int from = b.indptr()[r];
                        int to = b.indptr()[r + 1];
                        colsOf[target] = java.util.Arrays.copyOfRange(b.indices(), from, to);
                        valsOf[target] = java.util.Arrays.copyOfRange(b.values(), from, to);
                    }
                }
                int[] indptr = new int[cells.size() + 1];
                for (int i = 0; i < cells.size(); i++) {
                    indptr[i + 1] = indptr[i] + colsOf[i].length;
                }
                int[] indices = new int[indptr[cells.size()]];
                float[] values = new float[indices.length];
                for (int i = 0; i < cells.size(); i++) {
                    System.arraycopy(colsOf[i], 0, indices, indptr[i], colsOf[i].length);
                    System.arraycopy(valsOf[i], 0, values, indptr[i], valsOf[i].length);
                }
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
                        new CsrBatch(cells.size(), reader.geneCount(), indptr, indices, values),
                        reader.geneSymbols(),
                        reader.geneIds().orElse(null),
                        obs);
            }
        }
    }
}
