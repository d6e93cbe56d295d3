package org.liveatlas.core.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code manifest.json} of a registry model folder: which version, derived from which, when,
 * how it was trained, how it scored, and its status. Unknown fields are ignored so that older
 * readers accept newer manifests.
 *
 * @param formatVersion version of this folder layout (currently 1)
 * @param version the model version, e.g. {@code v3} or {@code 2026-11-25T1200}
 * @param parent the version it was fine-tuned from, or null for a first model or an import
 * @param created when the folder was written
 * @param trainingParameters hyperparameters, free-form (numbers, strings, lists)
 * @param metrics evaluation metrics by name
 * @param unknownThreshold the min_dist (cosine distance) above which a cell is called unknown, or
 *     null while not calibrated
 * @param status life-cycle status
 * @param source where the weights came from (a path or URL for an import), may be null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("version") String version,
        @JsonProperty("parent") String parent,
        @JsonProperty("created") Instant created,
        @JsonProperty("training_parameters") Map<String, Object> trainingParameters,
        @JsonProperty("metrics") Map<String, Double> metrics,
        @JsonProperty("unknown_threshold") Double unknownThreshold,
        @JsonProperty("status") ModelStatus status,
        @JsonProperty("source") String source) {

    public static final int FORMAT_VERSION = 1;
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public Manifest {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("manifest format_version " + formatVersion + " is not supported (this"
                    + " reader knows " + FORMAT_VERSION + "); upgrade LiveAtlas");
        }
        Objects.requireNonNull(version, "manifest: version is required");
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("manifest: version '" + version
                    + "' must be 1-64 letters, digits, '.', '_' or '-' (it names a folder and an index)");
        }
        if (parent != null && !VERSION.matcher(parent).matches()) {
            throw new IllegalArgumentException("manifest: parent '" + parent + "' is not a valid version");
        }
        Objects.requireNonNull(created, "manifest: created is required");
        Objects.requireNonNull(status, "manifest: status is required");
        trainingParameters = trainingParameters == null
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(trainingParameters));
        metrics = metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        if (unknownThreshold != null && !(unknownThreshold >= 0 && unknownThreshold <= 2)) {
            throw new IllegalArgumentException(
                    "manifest: unknown_threshold " + unknownThreshold + " must be a cosine distance in [0, 2]");
        }
    }

    /** A manifest for a published SCimilarity model imported from {@code source}. */
    public static Manifest imported(String version, String source, Instant created) {
        return new Manifest(
                FORMAT_VERSION, version, null, created, Map.of(), Map.of(), null, ModelStatus.IMPORTED, source);
    }

    /** This manifest with another status. */
    public Manifest withStatus(ModelStatus newStatus) {
        return new Manifest(
                formatVersion,
                version,
                parent,
                created,
                trainingParameters,
                metrics,
                unknownThreshold,
                newStatus,
                source);
    }
}
