package org.liveatlas.schemas.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.liveatlas.schemas.Json;

/**
 * OpenSearch index definitions (settings + mappings) for the cells index of each model version and the
 * studies index, built from the templates under {@code opensearch/} on the classpath.
 */
public final class IndexMappings {
    /** Alias that queries use; it points at the complete {@code cells-<model version>} index. */
    public static final String CELLS_ALIAS = "cells";
    /** Name of the studies index. */
    public static final String STUDIES_INDEX = "studies";
    /** Name of the vector field in the cells index. */
    public static final String VECTOR_FIELD = "embedding";
    /** {@code _meta} key of a cells index: the model version its vectors come from. */
    public static final String META_MODEL_VERSION = "model_version";
    /** {@code _meta} key of a cells index: when the cells alias left it (ISO-8601 instant). */
    public static final String META_RETIRED_AT = "retired_at";
    /**
     * {@code _meta} key of a retired cells index: when a query last pinned its model version (ISO-8601 instant,
     * written by the query API); its retention counts from the later of this and {@link #META_RETIRED_AT}.
     */
    public static final String META_LAST_USED_AT = "last_used_at";

    private static final String CELLS_TEMPLATE = "opensearch/cells.index.json";
    private static final String STUDIES_TEMPLATE = "opensearch/studies.index.json";

    private IndexMappings() {}

    /** {@code cells-<model version>}, lowercased as OpenSearch requires. */
    public static String cellsIndexName(String modelVersion) {
        if (modelVersion == null || !modelVersion.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException(
                    "model version '" + modelVersion + "' cannot name an index; use letters, digits, '.', '-', '_'");
        }
        return "cells-" + modelVersion.toLowerCase(java.util.Locale.ROOT);
    }

    /** Body of a create-index request for {@code cells-<model version>} with the given vector settings. */
    public static ObjectNode cellsIndex(KnnSettings knn) {
        ObjectNode body = load(CELLS_TEMPLATE);
        ObjectNode index = (ObjectNode) body.path("settings").path("index");
        index.put("number_of_shards", knn.shards());
        index.put("number_of_replicas", knn.replicas());
        ObjectNode vector =
                (ObjectNode) body.path("mappings").path("properties").path(VECTOR_FIELD);
        vector.put("dimension", knn.dimension());
        ObjectNode method = (ObjectNode) vector.path("method");
        method.put("engine", knn.engine().value());
        ObjectNode parameters = (ObjectNode) method.path("parameters");
        parameters.put("m", knn.m());
        parameters.put("ef_construction", knn.efConstruction());
        return body;
    }

    /** Body of a create-index request for the studies index. */
    public static ObjectNode studiesIndex(int shards, int replicas) {
        if (shards < 1 || replicas < 0) {
            throw new IllegalArgumentException(
                    "studies index: shards " + shards + " must be >= 1 and replicas " + replicas + " >= 0");
        }
        ObjectNode body = load(STUDIES_TEMPLATE);
        ObjectNode index = (ObjectNode) body.path("settings").path("index");
        index.put("number_of_shards", shards);
        index.put("number_of_replicas", replicas);
        return body;
    }

    private static ObjectNode load(String resource) {
        try (InputStream in = IndexMappings.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("index template " + resource + " is missing from the classpath");
            }
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index template " + resource, e);
        }
    }
}
