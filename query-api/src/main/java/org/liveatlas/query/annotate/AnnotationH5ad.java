package org.liveatlas.query.annotate;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes an annotation as an AnnData {@code .h5ad}, as SCimilarity's {@code annotate_dataset} adds its
 * results to the input: {@code obs} indexed by the upload's cell ids with {@code celltype_hint} (the
 * voted label), {@code min_dist}, {@code celltype_hint_stat} (vsAll), {@code celltype_hint_weighted_stat}
 * and ours ({@code celltype_call} with {@code unknown}, {@code unknown} as 0/1, {@code max_dist}, {@code
 * vs2nd}, {@code vs2nd_weighted}, {@code neighbours}, the cluster columns when asked), and the
 * embeddings in {@code obsm/X_scimilarity} (float32, cells x latent). The file has no {@code X} and an
 * empty {@code var}: the counts stay in the caller's own file, which they join by cell id
 * ({@code adata.obs = adata.obs.join(result.obs)}; {@code adata.obsm["X_scimilarity"] =
 * result[adata.obs_names].obsm["X_scimilarity"]}). The model version and unknown threshold are root
 * attributes ({@code liveatlas_model_version}, {@code liveatlas_unknown_threshold}).
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

    /** Writes {@code r} to {@code file}. */
    static void write(AnnotationResult r, Path file) {
        List<CellAnnotation> cells = r.cells();
        Map<String, Object> obs = new LinkedHashMap<>();
        obs.put("celltype_hint", strings(cells, c -> orEmpty(c.votedLabel())));
        obs.put("celltype_call", strings(cells, CellAnnotation::label));
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
            WritableGroup obsm = f.putGroup("obsm");
            encoding(obsm, "dict", "0.1.0");
            float[][] emb = r.embeddings().toArray(new float[0][]);
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
}
