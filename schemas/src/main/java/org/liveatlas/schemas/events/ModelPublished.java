package org.liveatlas.schemas.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.liveatlas.schemas.store.ObjectLayout;

/**
 * An accepted model version (contract {@code ModelPublished.v1}) on the compacted {@code atlas.models}, keyed
 * by model version. {@code unknownThreshold} is a cosine distance on unit vectors.
 */
public record ModelPublished(
        int schemaVersion,
        String eventType,
        String modelVersion,
        String parentVersion,
        String location,
        int latentSize,
        int geneCount,
        Double unknownThreshold,
        Map<String, Double> metrics,
        Instant publishedAt) {

    public static final String EVENT_TYPE = "ModelPublished";

    public ModelPublished {
        if (schemaVersion != 1 || !EVENT_TYPE.equals(eventType)) {
            throw new IllegalArgumentException(
                    "not a ModelPublished v1: schemaVersion " + schemaVersion + ", eventType " + eventType);
        }
        if (!ObjectLayout.modelPrefix(modelVersion).equals(location)) {
            throw new IllegalArgumentException("model " + modelVersion + ": location '" + location + "' must be "
                    + ObjectLayout.modelPrefix(modelVersion));
        }
        if (latentSize < 1 || geneCount < 1) {
            throw new IllegalArgumentException("model " + modelVersion + ": latentSize " + latentSize
                    + " and geneCount " + geneCount + " must be positive");
        }
        metrics = metrics == null ? null : Map.copyOf(metrics);
        Objects.requireNonNull(publishedAt, "publishedAt");
    }
}
