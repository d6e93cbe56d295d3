package org.liveatlas.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.as;
import static org.liveatlas.query.testing.Api.map;
import static org.liveatlas.query.testing.Api.postJson;
import static org.liveatlas.query.testing.Api.problem;
import static org.liveatlas.query.testing.Api.vector;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;

/**
 * Bad requests each get a precise RFC 9457 problem (status, type, a detail naming the value) without
 * Java internals, and change nothing: the index holds the same documents and no upload is left behind.
 */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class BadRequestsIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();
    static Path dir;
    static long cellsBefore;
    static List<Path> uploadsBefore;

    @BeforeAll
    static void before() throws Exception {
        dir = Files.createTempDirectory("bad-requests-it-");
        cellsBefore = cellCount();
        // succeeded jobs of other classes keep their uploads until they expire (for their .h5ad results)
        uploadsBefore = uploads();
    }

    @AfterAll
    static void nothingChanged() throws Exception {
        assertThat(cellCount()).isEqualTo(cellsBefore);
        assertThat(uploads()).as("uploads left behind").containsExactlyInAnyOrderElementsOf(uploadsBefore);
    }

    static List<Path> uploads() throws IOException {
        Path uploads = Path.of(ConfigProvider.getConfig().getValue("atlas.query.annotate.work-dir", String.class));
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> left = Files.list(uploads)) {
            return left.toList();
        }
    }

    static long cellCount() throws IOException, InterruptedException {
        String url = ConfigProvider.getConfig().getValue("atlas.query.opensearch.url", String.class);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url + "/cells/_count"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return Long.parseLong(r.body().replaceAll(".*\"count\":(\\d+).*", "$1"));
    }

    static Map<String, Object> nearest(Object... extra) {
        Map<String, Object> m = map("embeddings", List.of(vector(ATLAS.embedding("synth01", 0))));
        for (int i = 0; i < extra.length; i += 2) {
            m.put((String) extra[i], extra[i + 1]);
        }
        return m;
    }

    @Test
    void missingKey() {
        Response r = given().contentType("application/json").body(nearest()).post("/v1/search/nearest");
        assertThat(problem(r, 401, "missing-api-key")).contains("X-API-Key");
    }

    @Test
    void wrongKey() {
        assertThat(problem(postJson("not-a-key", "/v1/search/nearest", nearest()), 401, "invalid-api-key"))
                .contains("not valid");
    }

    @Test
    void malformedJson() {
        Response r = as(OUTSIDER_KEY)
                .contentType("application/json")
                .body("{\"k\": 5,")
                .post("/v1/search/nearest");
        assertThat(problem(r, 400, "malformed-json")).contains("line 1");
    }

    @Test
    void unknownFilterField() {
        Response r = postJson(OUTSIDER_KEY, "/v1/search/nearest", nearest("filters", map("tisue", List.of("blood"))));
        assertThat(problem(r, 400, "unknown-field")).contains("filters.tisue").contains("tissue");
    }

    @Test
    void kTooLarge() {
        Response r = postJson(OUTSIDER_KEY, "/v1/search/nearest", nearest("k", 10_001));
        assertThat(problem(r, 400, "k-out-of-range")).contains("10001").contains("10000");
    }

    @Test
    void kOfWrongType() {
        Response r = postJson(OUTSIDER_KEY, "/v1/search/nearest", nearest("k", "ten"));
        assertThat(problem(r, 400, "wrong-type")).contains("'k'").contains("number");
    }

    @Test
    void embeddingOfWrongDimension() {
        Response r = postJson(OUTSIDER_KEY, "/v1/search/nearest", map("embeddings", List.of(List.of(1.0, 0.0, 0.0))));
        assertThat(problem(r, 400, "wrong-dimension")).contains("3 values").contains("128");
    }

    @Test
    void bothEmbeddingsAndCellIds() {
        Response r = postJson(OUTSIDER_KEY, "/v1/search/nearest", nearest("cell_ids", List.of("synth01:x")));
        assertThat(problem(r, 400, "query-missing")).contains("not both");
    }

    @Test
    void maxDistOutOfRange() {
        Response r = postJson(OUTSIDER_KEY, "/v1/search/radius", nearest("max_dist", 3.5));
        assertThat(problem(r, 400, "invalid-value")).contains("3.5");
    }

    @Test
    void unknownCellId() {
        Response r = postJson(OUTSIDER_KEY, "/v1/search/nearest", map("cell_ids", List.of("synth01:NOPE")));
        assertThat(problem(r, 404, "cell-not-found")).contains("synth01:NOPE");
    }

    @Test
    void uploadThatIsNoMatrixFile() throws IOException {
        Path f = Files.writeString(dir.resolve("notes.h5ad"), "these are not counts");
        Response r = as(OUTSIDER_KEY).multiPart("file", f.toFile()).post("/v1/annotate");
        assertThat(problem(r, 422, "unknown-format")).contains("notes.h5ad");
    }

    @Test
    void corruptHdf5File() throws IOException {
        byte[] bytes = new byte[4096];
        byte[] magic = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(magic, 0, bytes, 0, magic.length);
        Path f = Files.write(dir.resolve("broken.h5ad"), bytes);
        Response r = as(OUTSIDER_KEY).multiPart("file", f.toFile()).post("/v1/annotate");
        assertThat(problem(r, 422, "unusable-input")).contains("broken.h5ad").contains("corrupt");
    }

    @Test
    void wrongGeneIds() {
        List<String> genes = new ArrayList<>();
        for (int g = 0; g < ATLAS.genes().size(); g++) {
            genes.add("NOTAGENE" + g);
        }
        Map<String, Object> counts =
                map("genes", genes, "cell_ids", List.of("a", "b"), "counts", ATLAS.queryCounts(0, 2));
        String detail = problem(postJson(OUTSIDER_KEY, "/v1/annotate", map("counts", counts)), 422, "unusable-input");
        assertThat(detail).contains("genes");
    }

    @Test
    void emptyMatrix() {
        Map<String, Object> counts = map("genes", ATLAS.genes(), "cell_ids", List.of(), "counts", List.of());
        assertThat(problem(postJson(OUTSIDER_KEY, "/v1/annotate", map("counts", counts)), 400, "empty-matrix"))
                .contains("no cells");
    }

    @Test
    void normalisedValuesInsteadOfCounts() {
        List<float[]> rows = ATLAS.queryCounts(0, 2);
        rows.get(1)[3] = 0.5f;
        Map<String, Object> counts = map("genes", ATLAS.genes(), "cell_ids", List.of("a", "b"), "counts", rows);
        assertThat(problem(postJson(OUTSIDER_KEY, "/v1/annotate", map("counts", counts)), 400, "not-raw-counts"))
                .contains("counts[1][3]");
    }

    @Test
    void oversizeUpload() throws IOException {
        byte[] big = new byte[(int) AtlasTestResource.MAX_UPLOAD + 1024];
        Path f = Files.write(dir.resolve("big.h5ad"), big);
        Response r = as(OUTSIDER_KEY).multiPart("file", f.toFile()).post("/v1/annotate");
        assertThat(problem(r, 413, "request-too-large")).contains(Long.toString(AtlasTestResource.MAX_UPLOAD));
    }

    @Test
    void safelistAndBlocklistTogether() {
        Map<String, Object> counts =
                map("genes", ATLAS.genes(), "cell_ids", List.of("a"), "counts", ATLAS.queryCounts(0, 1));
        Response r = postJson(
                OUTSIDER_KEY,
                "/v1/annotate",
                map("counts", counts, "safelist", List.of("x"), "blocklist", List.of("y")));
        assertThat(problem(r, 400, "conflicting-label-filters")).contains("not both");
    }

    @Test
    void unknownWeighting() throws IOException {
        Path f = ATLAS.writeQuery(dir.resolve("w.h5ad"), 0, 5);
        Response r = as(OUTSIDER_KEY)
                .multiPart("file", f.toFile())
                .multiPart("weighting", "heavy")
                .post("/v1/annotate");
        assertThat(problem(r, 400, "invalid-value")).contains("heavy").contains("inverse_distance");
    }

    @Test
    void unknownClusterColumn() throws IOException {
        Path f = ATLAS.writeQuery(dir.resolve("c.h5ad"), 0, 5);
        Response r = as(OUTSIDER_KEY)
                .multiPart("file", f.toFile())
                .multiPart("cluster_column", "leiden")
                .post("/v1/annotate");
        assertThat(problem(r, 400, "unknown-cluster-column")).contains("leiden").contains("cluster");
    }

    @Test
    void annotateKTooLarge() {
        Map<String, Object> counts =
                map("genes", ATLAS.genes(), "cell_ids", List.of("a"), "counts", ATLAS.queryCounts(0, 1));
        assertThat(problem(
                        postJson(OUTSIDER_KEY, "/v1/annotate", map("counts", counts, "k", 100_000)),
                        400,
                        "k-out-of-range"))
                .contains("100000");
    }

    @Test
    void unsupportedMediaType() {
        Response r = as(OUTSIDER_KEY).contentType("text/plain").body("k=5").post("/v1/search/nearest");
        problem(r, 415, "unsupported-media-type");
    }

    @Test
    void unknownStudyAndJob() {
        assertThat(problem(as(OUTSIDER_KEY).get("/v1/studies/nope"), 404, "study-not-found"))
                .contains("nope");
        assertThat(problem(as(OUTSIDER_KEY).get("/v1/jobs/nope"), 404, "job-not-found"))
                .contains("nope");
    }

    @Test
    void signatureWithUnknownGenes() {
        Map<String, Object> counts =
                map("genes", ATLAS.genes(), "cell_ids", List.of("a"), "counts", ATLAS.queryCounts(0, 1));
        Response r = postJson(
                OUTSIDER_KEY, "/v1/search/signature", map("counts", counts, "genes", List.of("NOPE1", "NOPE2")));
        assertThat(problem(r, 422, "unknown-genes")).contains("NOPE1");
    }

    @Test
    void whereWithoutQuery() {
        assertThat(problem(postJson(OUTSIDER_KEY, "/v1/where", map()), 400, "query-missing"))
                .contains("label");
    }

    @Test
    void malformedOrForeignCursorsAndLimitsOutOfRangeAreRefusedNamingTheField() {
        Response garbage = as(OUTSIDER_KEY).queryParam("cursor", "not-a-cursor").get("/v1/studies");
        assertThat(problem(garbage, 400, "invalid-cursor")).contains("not-a-cursor", "next_cursor");
        assertThat(garbage.jsonPath().getString("field")).isEqualTo("cursor");

        // a studies cursor sent to /v1/where and /v1/search/radius continues another list
        String studies = as(OUTSIDER_KEY)
                .queryParam("limit", 1)
                .get("/v1/studies")
                .jsonPath()
                .getString("next_cursor");
        assertThat(problem(
                        postJson(
                                OUTSIDER_KEY,
                                "/v1/where",
                                map("label", ATLAS.typeNames().get(0), "cursor", studies)),
                        400,
                        "invalid-cursor"))
                .contains("another list");
        Map<String, Object> radius =
                map("embeddings", List.of(vector(ATLAS.embedding("synth01", 0))), "max_dist", 2.0, "limit", 5);
        radius.put("cursor", studies);
        problem(postJson(OUTSIDER_KEY, "/v1/search/radius", radius), 400, "invalid-cursor");

        // a radius cursor is bound to its request: another max_dist refuses it
        radius.remove("cursor");
        String next =
                postJson(OUTSIDER_KEY, "/v1/search/radius", radius).jsonPath().getString("results[0].next_cursor");
        assertThat(next).isNotNull();
        radius.put("max_dist", 1.5);
        radius.put("cursor", next);
        assertThat(problem(postJson(OUTSIDER_KEY, "/v1/search/radius", radius), 400, "invalid-cursor"))
                .contains("another request");

        assertThat(problem(as(OUTSIDER_KEY).queryParam("limit", 0).get("/v1/studies"), 400, "limit-out-of-range"))
                .contains("1 to 1000");
        problem(as(OUTSIDER_KEY).queryParam("limit", "ten").get("/v1/studies"), 400, "wrong-type");
        assertThat(problem(
                        postJson(OUTSIDER_KEY, "/v1/where", map("label", "x", "group_limit", 10_001)),
                        400,
                        "limit-out-of-range"))
                .contains("group_limit");
    }
}
