package org.liveatlas.flink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.index.IndexMappings;
import org.liveatlas.schemas.index.KnnSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and switches the indexes of the atlas: {@code <prefix>cells-<model version>} from the schemas'
 * {@link IndexMappings} (k-NN vector with the configured engine, cosine space, HNSW parameters), the alias
 * {@code <prefix>cells} that queries use, and {@code <prefix>studies}. The prefix is empty in production and
 * unique per test class. Alias moves are one {@code _aliases} request, so a reader sees the old index or the
 * new one, never both or neither.
 */
public final class IndexManager {
    private static final Logger LOG = LoggerFactory.getLogger(IndexManager.class);
    /** {@code _meta} key of a cells index: the model version its vectors come from. */
    public static final String META_MODEL_VERSION = IndexMappings.META_MODEL_VERSION;
    /** {@code _meta} key of a cells index: when the alias left it (ISO-8601 instant). */
    public static final String META_RETIRED_AT = IndexMappings.META_RETIRED_AT;
    /** {@code _meta} key of a retired cells index: when a query last pinned its model (ISO-8601 instant). */
    public static final String META_LAST_USED_AT = IndexMappings.META_LAST_USED_AT;

    private final OpenSearchHttp http;
    private final String prefix;

    public IndexManager(OpenSearchHttp http, String prefix) {
        this.http = Objects.requireNonNull(http, "http");
        this.prefix = Objects.requireNonNull(prefix, "prefix (use \"\" for none)");
        if (!prefix.isEmpty() && !prefix.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException(
                    "index prefix '" + prefix + "' must be lower-case letters, digits, '.', '-' or '_'");
        }
    }

    /** {@code <prefix>cells-<model version>}. */
    public String cellsIndex(String modelVersion) {
        return prefix + IndexMappings.cellsIndexName(modelVersion);
    }

    /** {@code <prefix>cells}: the alias queries use. */
    public String cellsAlias() {
        return prefix + IndexMappings.CELLS_ALIAS;
    }

    /**
     * {@code <prefix>building-cells}: the alias marking the cells indexes a re-index is building. IndexStudyJob
     * writes each new deposit into the live index and into every index behind this alias, so the building index
     * misses nothing that arrives during the rebuild. The swap removes the mark in the same atomic request that
     * moves {@link #cellsAlias()}.
     */
    public String buildingAlias() {
        return prefix + "building-" + IndexMappings.CELLS_ALIAS;
    }

    /** A wildcard over every cells index of any model version. */
    public String allCellsIndexes() {
        return prefix + IndexMappings.CELLS_ALIAS + "-*";
    }

    /** {@code <prefix>studies}. */
    public String studiesIndex() {
        return prefix + IndexMappings.STUDIES_INDEX;
    }

    /** Creates the cells index of {@code modelVersion} unless it exists; returns its name. */
    public String ensureCellsIndex(String modelVersion, KnnSettings knn) throws IOException {
        return ensureCellsIndex(modelVersion, knn, VectorEncoder.NONE);
    }

    /** Creates the cells index of {@code modelVersion} with vectors stored as {@code encoder} unless it exists. */
    public String ensureCellsIndex(String modelVersion, KnnSettings knn, VectorEncoder encoder) throws IOException {
        String index = cellsIndex(modelVersion);
        ObjectNode body = IndexMappings.cellsIndex(knn);
        if (encoder == VectorEncoder.SQ) {
            ((ObjectNode) body.path("mappings")
                            .path("properties")
                            .path(IndexMappings.VECTOR_FIELD)
                            .path("method")
                            .path("parameters"))
                    .putObject("encoder")
                    .put("name", "sq");
        }
        // the pipeline refreshes explicitly when a study is complete; fewer periodic refreshes mean fewer,
        // larger segments and far less HNSW graph building while a study streams in
        ((ObjectNode) body.path("settings").path("index")).put("refresh_interval", "30s");
        // the model version travels with the index, so that a job finding it behind an alias knows which model
        // embeds into it
        ((ObjectNode) body.path("mappings")).putObject("_meta").put(META_MODEL_VERSION, modelVersion);
        ensure(index, Json.write(body));
        return index;
    }

    /** Creates the studies index unless it exists; returns its name. */
    public String ensureStudiesIndex() throws IOException {
        String index = studiesIndex();
        ensure(index, Json.write(IndexMappings.studiesIndex(1, 0)));
        return index;
    }

    /** Whether an index exists. */
    public boolean exists(String index) throws IOException {
        OpenSearchHttp.Answer a = http.send("HEAD", "/" + index, null);
        if (a.status() == 404) {
            return false;
        }
        if (!a.ok()) {
            throw new OpenSearchRequestException(
                    "check index " + index, a.status(), a.body().toString());
        }
        return true;
    }

    /** The indexes the cells alias points at now (one, or none before the first study). */
    public List<String> aliasTargets() throws IOException {
        return http.aliasTargets(cellsAlias());
    }

    /** The cells indexes being built by a re-index (behind {@link #buildingAlias()}). */
    public List<String> buildingTargets() throws IOException {
        return http.aliasTargets(buildingAlias());
    }

    /** Marks {@code index} as being built: from now on new deposits are written into it too. */
    public void markBuilding(String index) throws IOException {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putArray("actions")
                .addObject()
                .putObject("add")
                .put("index", index)
                .put("alias", buildingAlias());
        http.require("POST", "/_aliases", Json.write(body), "mark " + index + " as building");
    }

    /** Removes the building mark from {@code index} (a rebuild that gave up); a missing mark is fine. */
    public void unmarkBuilding(String index) throws IOException {
        if (!buildingTargets().contains(index)) {
            return;
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.putArray("actions")
                .addObject()
                .putObject("remove")
                .put("index", index)
                .put("alias", buildingAlias());
        http.require("POST", "/_aliases", Json.write(body), "unmark " + index + " as building");
    }

    /**
     * The model version a cells index was created for (its mapping's {@code _meta}), or null for an index
     * created without it.
     */
    public String modelVersionOf(String index) throws IOException {
        JsonNode meta = http.require("GET", "/" + index + "/_mapping", null, "read the mapping of " + index)
                .path(index)
                .path("mappings")
                .path("_meta");
        String v = meta.path(META_MODEL_VERSION).asText("");
        return v.isEmpty() ? null : v;
    }

    /**
     * Records that the alias left {@code index} at {@code when}: it is kept for rollback for the configured
     * retention and then deleted by {@link #deleteRetired}. Stored in the index's own {@code _meta}, so the
     * clock survives any restart of the jobs.
     */
    public void retire(String index, Instant when) throws IOException {
        String version = modelVersionOf(index);
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode meta = body.putObject("_meta");
        if (version != null) {
            meta.put(META_MODEL_VERSION, version);
        }
        meta.put(META_RETIRED_AT, when.toString());
        http.require("PUT", "/" + index + "/_mapping", Json.write(body), "mark " + index + " as retired");
    }

    /**
     * Deletes the retired cells indexes (see {@link #retire}) whose retention has run out at {@code now}, unless
     * an alias points at them again (a rollback); returns when the next one runs out, if any is left. Indexes
     * without a retirement time are never deleted here.
     */
    public Optional<Instant> deleteRetired(Duration retain, Instant now) throws IOException {
        OpenSearchHttp.Answer a = http.send(
                "GET",
                "/" + allCellsIndexes() + "/_mapping",
                Map.of("allow_no_indices", "true", "ignore_unavailable", "true"),
                null,
                "application/json");
        if (!a.ok()) {
            throw new OpenSearchRequestException(
                    "list cells indexes", a.status(), a.body().toString());
        }
        List<String> inUse = new ArrayList<>(aliasTargets());
        inUse.addAll(buildingTargets());
        Instant next = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = a.body().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode meta = e.getValue().path("mappings").path("_meta");
            String retired = meta.path(META_RETIRED_AT).asText("");
            if (retired.isEmpty() || inUse.contains(e.getKey())) {
                continue;
            }
            // a query pinning the index's model keeps it: the retention counts from its last use
            Instant since = Instant.parse(retired);
            String used = meta.path(META_LAST_USED_AT).asText("");
            if (!used.isEmpty() && Instant.parse(used).isAfter(since)) {
                since = Instant.parse(used);
            }
            Instant expiry = since.plus(retain);
            if (!expiry.isAfter(now)) {
                deleteIndex(e.getKey());
                LOG.info(
                        "deleted cells index {}: retired at {}, last used {}, kept for {}",
                        e.getKey(),
                        retired,
                        used.isEmpty() ? "never" : used,
                        retain);
            } else if (next == null || expiry.isBefore(next)) {
                next = expiry;
            }
        }
        return Optional.ofNullable(next);
    }

    /** Points the cells alias at {@code index} when it points nowhere yet; returns whether it did. */
    public boolean initAlias(String index) throws IOException {
        if (!aliasTargets().isEmpty()) {
            return false;
        }
        swapAlias(index);
        return true;
    }

    /** Moves the cells alias to {@code index} in one atomic request, away from whatever it pointed at. */
    public void swapAlias(String index) throws IOException {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode actions = body.putArray("actions");
        for (String old : aliasTargets()) {
            if (!old.equals(index)) {
                actions.addObject().putObject("remove").put("index", old).put("alias", cellsAlias());
            }
        }
        actions.addObject().putObject("add").put("index", index).put("alias", cellsAlias());
        if (buildingTargets().contains(index)) {
            // the same request ends the dual writes: readers and writers switch together
            actions.addObject().putObject("remove").put("index", index).put("alias", buildingAlias());
        }
        http.require("POST", "/_aliases", Json.write(body), "point alias " + cellsAlias() + " at " + index);
    }

    /** Deletes an index (a missing one is not an error). */
    public void deleteIndex(String index) throws IOException {
        OpenSearchHttp.Answer a = http.send("DELETE", "/" + index, null);
        if (!a.ok() && a.status() != 404) {
            throw new OpenSearchRequestException(
                    "delete index " + index, a.status(), a.body().toString());
        }
    }

    /**
     * Deletes every document of {@code index} (a name or wildcard) matching {@code query} (the JSON of a query
     * clause) and refreshes; returns how many were deleted. Search-then-bulk-delete rather than {@code
     * _delete_by_query}, which lives in OpenSearch's reindex module that not every distribution carries (the
     * embedded one does not). Every bulk item is checked.
     */
    public long deleteMatching(String index, com.fasterxml.jackson.databind.JsonNode query) throws IOException {
        long deleted = 0;
        Map<String, String> lenient = Map.of("ignore_unavailable", "true", "allow_no_indices", "true");
        http.send("POST", "/" + index + "/_refresh", lenient, null, "application/json");
        while (true) {
            ObjectNode search = Json.mapper().createObjectNode();
            search.put("size", 1000);
            search.put("_source", false);
            search.set("query", query);
            OpenSearchHttp.Answer a =
                    http.send("POST", "/" + index + "/_search", lenient, Json.write(search), "application/json");
            if (!a.ok()) {
                throw new OpenSearchRequestException(
                        "find documents to delete in " + index,
                        a.status(),
                        a.body().toString());
            }
            List<BulkAction> deletes = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode hit :
                    a.body().path("hits").path("hits")) {
                deletes.add(BulkAction.delete(
                        hit.path("_index").asText(), hit.path("_id").asText()));
            }
            if (deletes.isEmpty()) {
                return deleted;
            }
            OpenSearchHttp.Answer b =
                    http.sendNdjson("POST", "/_bulk?refresh=true", OpenSearchSinkWriter.ndjson(deletes));
            if (!b.ok()) {
                throw new OpenSearchRequestException(
                        "delete " + deletes.size() + " documents",
                        b.status(),
                        b.body().toString());
            }
            BulkResponseInspector.Verdict v = BulkResponseInspector.inspect(b.body(), deletes.size());
            if (!v.poison().isEmpty() || !v.transientFailures().isEmpty()) {
                throw new org.liveatlas.core.TransientException("deleting documents from " + index + " failed for "
                        + (v.poison().size() + v.transientFailures().size()) + " of " + deletes.size()
                        + (v.poison().isEmpty() ? "" : " (first: " + v.poison().get(0) + ")"));
            }
            deleted += deletes.size();
        }
    }

    /** Makes recent writes to {@code index} searchable. */
    public void refresh(String index) throws IOException {
        http.require("POST", "/" + index + "/_refresh", null, "refresh " + index);
    }

    private void ensure(String index, String body) throws IOException {
        if (exists(index)) {
            return;
        }
        OpenSearchHttp.Answer a = http.send("PUT", "/" + index, body);
        // another task may have created it between the check and the request
        if (!a.ok() && !a.body().path("error").path("type").asText().equals("resource_already_exists_exception")) {
            throw new OpenSearchRequestException(
                    "create index " + index, a.status(), a.body().toString());
        }
    }
}
