package org.liveatlas.query.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.search.Distances;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.Caller;

/** Turns a request's {@code embeddings} or {@code cell_ids} into unit query vectors, checking each. */
public final class QueryVectors {
    private QueryVectors() {}

    /**
     * The query vectors of a request: exactly one of {@code embeddings} and {@code cellIds} must be
     * given, with 1 to {@code maxQueries} entries; embeddings must have {@code dimension} finite
     * values and a direction.
     */
    public static List<float[]> resolve(
            List<float[]> embeddings,
            List<String> cellIds,
            int dimension,
            int maxQueries,
            CellIndex index,
            Caller caller) {
        boolean hasE = embeddings != null && !embeddings.isEmpty();
        boolean hasC = cellIds != null && !cellIds.isEmpty();
        if (hasE == hasC) {
            throw ApiProblem.badRequest(
                    "query-missing",
                    hasE
                            ? "give either 'embeddings' or 'cell_ids', not both"
                            : "give the query as 'embeddings' (arrays of " + dimension
                                    + " numbers) or 'cell_ids' (indexed cells)");
        }
        int n = hasE ? embeddings.size() : cellIds.size();
        if (n > maxQueries) {
            throw ApiProblem.badRequest(
                            "too-many-queries",
                            n + " query " + (hasE ? "embeddings" : "cells") + " given; at most " + maxQueries
                                    + " per request (atlas.query.search.max-queries)")
                    .with("limit", maxQueries);
        }
        List<float[]> out = new ArrayList<>(n);
        if (hasE) {
            for (int i = 0; i < n; i++) {
                float[] v = embeddings.get(i);
                if (v == null || v.length != dimension) {
                    throw ApiProblem.badRequest(
                                    "wrong-dimension",
                                    "embeddings[" + i + "] has " + (v == null ? 0 : v.length)
                                            + " values; the current model's embeddings have " + dimension)
                            .with("field", "embeddings[" + i + "]");
                }
                for (float x : v) {
                    if (!Float.isFinite(x)) {
                        throw ApiProblem.badRequest(
                                "invalid-value", "embeddings[" + i + "] holds a value that is not a finite number");
                    }
                }
                try {
                    out.add(Distances.normalise(v));
                } catch (IllegalArgumentException e) {
                    throw ApiProblem.badRequest(
                            "invalid-value", "embeddings[" + i + "] is a zero vector; it has no direction to search");
                }
            }
            return out;
        }
        for (int i = 0; i < n; i++) {
            if (cellIds.get(i) == null || cellIds.get(i).isBlank()) {
                throw ApiProblem.badRequest("invalid-value", "cell_ids[" + i + "] is empty");
            }
        }
        Map<String, float[]> vectors = index.vectors(caller, cellIds);
        for (String id : cellIds) {
            out.add(Distances.normalise(vectors.get(id)));
        }
        return out;
    }
}
