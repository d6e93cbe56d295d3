package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.as;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.MinioClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.ModelPublishing;
import org.liveatlas.query.testing.StackEndpoints;
import org.liveatlas.query.testing.SyntheticAtlas;
import org.liveatlas.schemas.index.IndexMappings;

/** The model registry read from the object store and followed on Kafka, with a swap while queries run. */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class ModelRegistryIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();
    static final String V2 = "synth-v2";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    StackEndpoints stack;

    @Test
    void theRegistryInTheObjectStoreIsListedWithRejectedVersionsAndTheServingOneMarked() {
        Response r = as(OUTSIDER_KEY).get("/v1/models");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<Map<String, Object>> models = r.jsonPath().getList("models");
        Map<String, Object> rejected = models.stream()
                .filter(m -> AtlasTestResource.REJECTED_VERSION.equals(((Map<?, ?>) m.get("manifest")).get("version")))
                .findFirst()
                .orElseThrow();
        assertThat(((Map<?, ?>) rejected.get("manifest")).get("status")).isEqualTo("rejected");
        assertThat(((Map<?, ?>) rejected.get("manifest")).get("metrics")).isNotNull();
        assertThat(rejected.get("current")).isEqualTo(false);
        Response current = as(OUTSIDER_KEY).get("/v1/models/current");
        assertThat(current.jsonPath().getString("manifest.version")).isIn(SyntheticAtlas.MODEL_VERSION, V2);
        assertThat(current.jsonPath().getInt("latent_dim")).isEqualTo(SyntheticAtlas.LATENT);
    }

    @Test
    void aPublishedModelServesOnceTheAliasMovesToItsIndexWithoutRestartAndQueriesNeverFail() throws Exception {
        Path dir = Files.createTempDirectory("registry-it-");
        Path query = ATLAS.writeQuery(dir.resolve("q.h5ad"), 0, 40);
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
        Thread load = new Thread(() -> {
            while (running.get()) {
                Response r = as(OUTSIDER_KEY).multiPart("file", query.toFile()).post("/v1/annotate");
                // the reference voted with must be the one embedded by the same model: never mixed
                outcomes.add(
                        r.statusCode() != 200
                                ? "HTTP " + r.asString()
                                : r.jsonPath()
                                                .getString("model_version")
                                                .equals(r.jsonPath().getString("reference.model_version"))
                                        ? r.jsonPath().getString("model_version")
                                        : "mixed: model " + r.jsonPath().getString("model_version") + ", reference "
                                                + r.jsonPath().getString("reference.model_version"));
            }
        });
        String v1Index = IndexMappings.cellsIndexName(SyntheticAtlas.MODEL_VERSION);
        String v2Index = IndexMappings.cellsIndexName(V2);
        load.start();
        try {
            // the trainer's way: folder in the bucket (same weights under a new version), then the event
            Manifest v2 = ATLAS.saveModel(dir, V2, ModelStatus.PUBLISHED, Instant.now());
            try (MinioClient s3 = MinioClient.builder()
                    .endpoint(stack.s3Endpoint())
                    .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                    .build()) {
                ModelPublishing.upload(s3, stack.bucket(), dir.resolve(V2), V2);
            }
            ModelPublishing.announce(
                    stack.kafkaBootstrap(),
                    v2,
                    SyntheticAtlas.LATENT,
                    ATLAS.genes().size());
            awaitListed(V2);
            // published but its index is not built yet: the alias's model keeps serving
            assertThat(as(OUTSIDER_KEY).get("/v1/models/current").jsonPath().getString("manifest.version"))
                    .isEqualTo(SyntheticAtlas.MODEL_VERSION);

            // the re-indexing's way: build cells-<v2>, then move the alias in one step
            send(
                    "PUT",
                    "/" + v2Index,
                    IndexMappings.cellsIndex(org.liveatlas.schemas.index.KnnSettings.defaults(SyntheticAtlas.LATENT))
                            .toString());
            copy(v1Index, v2Index);
            moveAlias(v1Index, v2Index);
            awaitCurrent(V2);
            Thread.sleep(1500);
        } finally {
            // back to v1 for the other test classes
            try {
                moveAlias(v2Index, v1Index);
                awaitCurrent(SyntheticAtlas.MODEL_VERSION);
            } finally {
                running.set(false);
                load.join();
                ModelPublishing.deleteTree(dir);
            }
        }
        Set<String> seen = new TreeSet<>(outcomes);
        assertThat(seen)
                .as("model versions the concurrent annotations used")
                .isSubsetOf(SyntheticAtlas.MODEL_VERSION, V2);
        assertThat(seen).contains(SyntheticAtlas.MODEL_VERSION, V2);

        pinnedQueriesUseTheirVersionsIndexUntilItIsGone(v2Index);
    }

    /**
     * With v1 serving again and v2's index retired (as the re-indexing leaves it), a query pinning v2 runs with
     * v2's model and index and records its use; a version without an index is 410, an unknown one 404.
     */
    private void pinnedQueriesUseTheirVersionsIndexUntilItIsGone(String v2Index) throws Exception {
        Instant retired = Instant.parse("2026-01-01T00:00:00Z");
        send(
                "PUT",
                "/" + v2Index + "/_mapping",
                "{\"_meta\": {\"" + IndexMappings.META_MODEL_VERSION + "\": \"" + V2 + "\", \""
                        + IndexMappings.META_RETIRED_AT + "\": \"" + retired + "\"}}");
        // a public cell that the copied index holds
        String cell = JSON.readTree(send(
                        "POST",
                        "/" + v2Index + "/_search",
                        "{\"size\": 1, \"query\": {\"term\": {\"study_id\": \"synth01\"}}}"))
                .path("hits")
                .path("hits")
                .get(0)
                .path("_id")
                .asText();
        Response pinned = as(OUTSIDER_KEY)
                .contentType("application/json")
                .body(Map.of("cell_ids", List.of(cell), "k", 5, "model_version", V2))
                .post("/v1/search/nearest");
        assertThat(pinned.statusCode()).as(pinned.asString()).isEqualTo(200);
        assertThat(pinned.jsonPath().getString("model_version")).isEqualTo(V2);
        assertThat(pinned.jsonPath().getString("results[0].hits[0].id")).isEqualTo(cell);
        Response unpinned = as(OUTSIDER_KEY)
                .contentType("application/json")
                .body(Map.of("cell_ids", List.of(cell), "k", 5))
                .post("/v1/search/nearest");
        assertThat(unpinned.jsonPath().getString("model_version")).isEqualTo(SyntheticAtlas.MODEL_VERSION);

        Path dir = Files.createTempDirectory("registry-pin-");
        try {
            Path query = ATLAS.writeQuery(dir.resolve("q.h5ad"), 0, 20);
            Response annotated = as(OUTSIDER_KEY)
                    .multiPart("file", query.toFile())
                    .multiPart("model_version", V2)
                    .post("/v1/annotate");
            assertThat(annotated.statusCode()).as(annotated.asString()).isEqualTo(200);
            assertThat(annotated.jsonPath().getString("model_version")).isEqualTo(V2);
            assertThat(annotated.jsonPath().getString("reference.model_version"))
                    .isEqualTo(V2);
            assertThat(annotated.jsonPath().getString("reference.index")).isEqualTo(v2Index);
        } finally {
            ModelPublishing.deleteTree(dir);
        }

        // the use is recorded where the pipeline's retention reads it
        String lastUsed = JSON.readTree(send("GET", "/" + v2Index + "/_mapping", ""))
                .path(v2Index)
                .path("mappings")
                .path("_meta")
                .path(IndexMappings.META_LAST_USED_AT)
                .asText();
        assertThat(lastUsed).isNotEmpty();
        assertThat(Instant.parse(lastUsed)).isAfter(retired);
        List<Map<String, Object>> models =
                as(OUTSIDER_KEY).get("/v1/models").jsonPath().getList("models");
        Map<String, String> states = new java.util.HashMap<>();
        models.forEach(m -> states.put((String) ((Map<?, ?>) m.get("manifest")).get("version"), (String)
                ((Map<?, ?>) m.get("index")).get("state")));
        assertThat(states)
                .containsEntry(SyntheticAtlas.MODEL_VERSION, "serving")
                .containsEntry(V2, "retired")
                .containsEntry(AtlasTestResource.REJECTED_VERSION, "gone");

        Response rejected = as(OUTSIDER_KEY)
                .contentType("application/json")
                .body(Map.of("cell_ids", List.of(cell), "model_version", AtlasTestResource.REJECTED_VERSION))
                .post("/v1/search/nearest");
        assertThat(rejected.statusCode()).as(rejected.asString()).isEqualTo(410);
        assertThat(rejected.asString()).contains("model-version-gone", AtlasTestResource.REJECTED_VERSION);
        Response unknown = as(OUTSIDER_KEY)
                .contentType("application/json")
                .body(Map.of("cell_ids", List.of(cell), "model_version", "no-such-version"))
                .post("/v1/where");
        assertThat(unknown.statusCode()).as(unknown.asString()).isEqualTo(404);
        assertThat(unknown.asString()).contains("unknown-model-version", "no-such-version", "GET /v1/models");

        send("DELETE", "/" + v2Index, "");
        Response gone = as(OUTSIDER_KEY)
                .contentType("application/json")
                .body(Map.of("cell_ids", List.of(cell), "model_version", V2))
                .post("/v1/search/radius");
        assertThat(gone.statusCode()).as(gone.asString()).isEqualTo(410);
        assertThat(gone.asString()).contains("model-version-gone", v2Index, "atlas.reindex.retain");
    }

    private void awaitListed(String version) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            List<String> versions =
                    as(OUTSIDER_KEY).get("/v1/models").jsonPath().getList("models.manifest.version");
            if (versions.contains(version)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(version + " never appeared in /v1/models");
    }

    private void awaitCurrent(String version) throws InterruptedException {
        String seen = null;
        for (int i = 0; i < 300; i++) {
            seen = as(OUTSIDER_KEY).get("/v1/models/current").jsonPath().getString("manifest.version");
            if (version.equals(seen)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the current model stayed " + seen + ", expected " + version);
    }

    private void moveAlias(String from, String to) throws IOException, InterruptedException {
        send(
                "POST",
                "/_aliases",
                "{\"actions\":[{\"remove\":{\"index\":\"" + from + "\",\"alias\":\"" + IndexMappings.CELLS_ALIAS
                        + "\"}},{\"add\":{\"index\":\"" + to + "\",\"alias\":\"" + IndexMappings.CELLS_ALIAS
                        + "\"}}]}");
    }

    /** Copies every document (the embedded node has no reindex module; the test atlas is small). */
    private void copy(String from, String to) throws IOException, InterruptedException {
        JsonNode hits = JSON.readTree(
                        send("POST", "/" + from + "/_search?size=10000", "{\"query\":{\"match_all\":{}}}"))
                .path("hits")
                .path("hits");
        StringBuilder bulk = new StringBuilder();
        for (JsonNode h : hits) {
            bulk.append("{\"index\":{\"_index\":\"")
                    .append(to)
                    .append("\",\"_id\":")
                    .append(JSON.writeValueAsString(h.path("_id").asText()))
                    .append("}}\n")
                    .append(JSON.writeValueAsString(h.path("_source")))
                    .append('\n');
        }
        assertThat(hits.size()).isPositive();
        JsonNode answer = JSON.readTree(send("POST", "/_bulk?refresh=true", bulk.toString()));
        assertThat(answer.path("errors").asBoolean(true)).as("bulk copy errors").isFalse();
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.openSearch() + path))
                                .method(method, HttpRequest.BodyPublishers.ofString(body))
                                .header(
                                        "Content-Type",
                                        path.contains("_bulk") ? "application/x-ndjson" : "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return r.body();
    }
}
