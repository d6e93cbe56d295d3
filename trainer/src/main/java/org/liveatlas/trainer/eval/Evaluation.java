package org.liveatlas.trainer.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's scores on held-out studies.
 *
 * @param report annotation quality (k-NN vote against the training cells)
 * @param nmse normalised reconstruction error of the held-out cells
 * @param silhouette ontology-aware average silhouette width of the held-out embeddings
 * @param unknownThreshold the calibrated min_dist threshold (cosine distance)
 */
public record Evaluation(ClassificationReport report, double nmse, double silhouette, double unknownThreshold) {

    /** The metrics as stored in a manifest and compared by the gate. */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("knn_accuracy", report.accuracy());
        m.put("knn_macro_f1", report.macroF1());
        m.put("unknown_rate_known", report.unknownRateKnown());
        if (!Double.isNaN(report.unknownRateNovel())) {
            m.put("unknown_rate_novel", report.unknownRateNovel());
        }
        m.put("asw", silhouette);
        m.put("nmse", nmse);
        m.put("known_cells", (double) report.known());
        m.put("novel_cells", (double) report.novel());
        m.values().removeIf(v -> v.isNaN());
        return m;
    }
}
