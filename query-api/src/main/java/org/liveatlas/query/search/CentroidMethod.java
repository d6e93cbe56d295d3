package org.liveatlas.query.search;

import java.util.Arrays;
import java.util.Locale;
import org.liveatlas.query.problem.ApiProblem;

/** How a centroid search builds its query from the query cells. */
public enum CentroidMethod {
    /**
     * SCimilarity's ({@code get_centroid} in {@code search_centroid_nearest}): the cells' raw counts, aligned
     * to the model's genes, summed into one profile, log-normalised and embedded as one cell. Needs counts.
     */
    SUMMED_COUNTS("summed_counts"),
    /** The mean direction of the query cells' embeddings: all that is possible from embeddings or cell ids. */
    EMBEDDING_MEAN("embedding_mean");

    private final String wire;

    CentroidMethod(String wire) {
        this.wire = wire;
    }

    /** The name used in requests and answers. */
    public String wire() {
        return wire;
    }

    /** Parses a request's {@code method}; {@code fallback} when absent. */
    public static CentroidMethod parse(String value, CentroidMethod fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(m -> m.wire.equals(v))
                .findFirst()
                .orElseThrow(() -> ApiProblem.badRequest(
                                "invalid-value",
                                "method '" + value + "' is unknown; use summed_counts (SCimilarity's, needs counts) or"
                                        + " embedding_mean")
                        .with("field", "method"));
    }
}
