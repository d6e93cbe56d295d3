package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.as;
import static org.liveatlas.query.testing.Api.map;
import static org.liveatlas.query.testing.Api.postJson;
import static org.liveatlas.query.testing.Api.vector;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.search.Distances;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.security.Caller;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;

/** Nearest, radius, centroid and signature searches against the real OpenSearch with the synthetic atlas. */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class SearchIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();

    @Inject
    CellIndex cells;

    @Inject
    OpenSearchClient client;

    @Test
    void nearestReturnsThePlantedCellFirstWithItsMetadataAndCosineDistance() {
        int row = firstIndexedRow("synth01", 0);
        Response r = postJson(
                OUTSIDER_KEY,
                "/v1/search/nearest",
                map("embeddings", List.of(vector(ATLAS.embedding("synth01", row))), "k", 10));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<Map<String, Object>> hits = r.jsonPath().getList("results[0].hits");
        assertThat(hits).hasSize(10);
        assertThat(hits.get(0).get("id")).isEqualTo(ATLAS.docId("synth01", row));
        assertThat(((Number) hits.get(0).get("distance")).doubleValue()).isLessThan(1e-4);
        assertThat(r.jsonPath().getString("results[0].hits[0].cell.author_label"))
                .isEqualTo(ATLAS.label("synth01", row));
        assertThat(r.jsonPath().getString("results[0].hits[0].cell.tissue")).isEqualTo("blood");
        List<Float> distances = r.jsonPath().getList("results[0].hits.distance", Float.class);
        assertThat(distances).isSorted();
        // the distance is the cosine distance of the stored vectors, whatever OpenSearch's score is
        String second = (String) hits.get(1).get("id");
        int secondRow = rowOf(second);
        double expected = Distances.cosineDistance(
                ATLAS.embedding("synth01", row), ATLAS.embedding(second.split(":")[0], secondRow));
        assertThat(distances.get(1).doubleValue()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void nearestAppliesFiltersInsideTheKnnQuerySoKHitsComeBack() {
        int row = firstIndexedRow("synth01", 1);
        Response r = postJson(
                OUTSIDER_KEY,
                "/v1/search/nearest",
                map(
                        "embeddings",
                        List.of(vector(ATLAS.embedding("synth01", row))),
                        "k",
                        25,
                        "filters",
                        map("study", List.of("synth02"))));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<String> studies = r.jsonPath().getList("results[0].hits.cell.study_id");
        assertThat(studies).hasSize(25).containsOnly("synth02");
        List<String> labels = r.jsonPath().getList("results[0].hits.cell.author_label");
        assertThat(labels.stream()
                        .filter(l -> l.equals(ATLAS.label("synth01", row)))
                        .count())
                .isGreaterThanOrEqualTo(23);

        Response tissue = postJson(
                OUTSIDER_KEY,
                "/v1/search/nearest",
                map(
                        "embeddings",
                        List.of(vector(ATLAS.embedding("synth01", row))),
                        "k",
                        5,
                        "filters",
                        map(
                                "tissue",
                                List.of("lung"),
                                "label",
                                List.of(ATLAS.typeNames().get(2)))));
        assertThat(tissue.jsonPath().getList("results[0].hits.cell.tissue", String.class))
                .hasSize(5)
                .containsOnly("lung");
        assertThat(tissue.jsonPath().getList("results[0].hits.cell.author_label", String.class))
                .containsOnly(ATLAS.typeNames().get(2));
    }

    @Test
    void nearestByCellIdsSearchesFromTheStoredEmbeddings() {
        int row = firstIndexedRow("synth02", 3);
        String id = ATLAS.docId("synth02", row);
        Response r = postJson(OUTSIDER_KEY, "/v1/search/nearest", map("cell_ids", List.of(id), "k", 3));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getString("results[0].cell_id")).isEqualTo(id);
        assertThat(r.jsonPath().getString("results[0].hits[0].id")).isEqualTo(id);
    }

    @Test
    void nearestSearchesWithTheEfSearchOfTheRuleAndReturnsTheExactNeighbours() throws IOException {
        float[] q = ATLAS.embedding("synth02", firstIndexedRow("synth02", 0));
        Query filter = CellIndex.filter(Caller.anonymous(), SearchFilters.none(), false, null);
        int k = 5;
        int ef = cells.efSearchRule().efSearch(k);
        assertThat(ef).as("the shipped rule searches more candidates than k").isGreaterThan(k);
        // lucene's k-NN query matches the best max(k, ef_search) accepted cells: without the parameter
        // OpenSearch would match k
        SearchResponse<Void> sent = client.search(
                s -> s.index(cells.index())
                        .size(k)
                        .trackTotalHits(t -> t.enabled(true))
                        .source(src -> src.fetch(false))
                        .query(cells.nearestQuery(q, k, filter)),
                Void.class);
        assertThat(sent.hits().total().value()).isEqualTo(ef);
        assertThat(sent.hits().hits()).hasSize(k);
        SearchResponse<Void> plain = client.search(
                s -> s.index(cells.index())
                        .size(k)
                        .trackTotalHits(t -> t.enabled(true))
                        .source(src -> src.fetch(false))
                        .query(CellIndex.knn(q, k, filter)),
                Void.class);
        assertThat(plain.hits().total().value()).isEqualTo(k);

        // through the API: the 40 nearest public cells of an exact search, in order
        List<String> exact = new ArrayList<>();
        for (String s : List.of("synth01", "synth02")) {
            for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
                if (ATLAS.indexed(s, r)) {
                    exact.add(ATLAS.docId(s, r));
                }
            }
        }
        exact.sort(java.util.Comparator.comparingDouble(
                id -> Distances.cosineDistance(q, ATLAS.embedding(id.split(":")[0], rowOf(id)))));
        Response r = postJson(OUTSIDER_KEY, "/v1/search/nearest", map("embeddings", List.of(vector(q)), "k", 40));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getList("results[0].hits.id", String.class)).isEqualTo(exact.subList(0, 40));
    }

    @Test
    void radiusReturnsTheCellsWithinMaxDistOfAnExactSearch() {
        int row = firstIndexedRow("synth01", 2);
        float[] q = ATLAS.embedding("synth01", row);
        List<Double> all = new ArrayList<>();
        for (String s : List.of("synth01", "synth02")) {
            for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
                if (ATLAS.indexed(s, r)) {
                    all.add(Distances.cosineDistance(q, ATLAS.embedding(s, r)));
                }
            }
        }
        all.sort(Double::compare);
        double maxDist = (all.get(30) + all.get(31)) / 2; // 31 public cells lie within it
        Set<String> expected = new HashSet<>();
        for (String s : List.of("synth01", "synth02")) {
            for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
                if (ATLAS.indexed(s, r) && Distances.cosineDistance(q, ATLAS.embedding(s, r)) <= maxDist) {
                    expected.add(ATLAS.docId(s, r));
                }
            }
        }
        Response r =
                postJson(OUTSIDER_KEY, "/v1/search/radius", map("embeddings", List.of(vector(q)), "max_dist", maxDist));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<String> ids = r.jsonPath().getList("results[0].hits.id");
        List<Float> distances = r.jsonPath().getList("results[0].hits.distance", Float.class);
        assertThat(distances).allSatisfy(d -> assertThat(d.doubleValue()).isLessThanOrEqualTo(maxDist + 1e-5));
        assertThat(expected).hasSize(31);
        assertThat(new HashSet<>(ids)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void centroidOfOneTypeFindsThatTypeAndIsMoreCoherentThanAMixedQuery() {
        List<List<Float>> oneType = new ArrayList<>();
        List<List<Float>> mixed = new ArrayList<>();
        String label = ATLAS.typeNames().get(3);
        for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY && (oneType.size() < 20 || mixed.size() < 20); r++) {
            String l = ATLAS.label(SyntheticAtlas.QUERY_STUDY, r);
            if (l.equals(label) && oneType.size() < 20) {
                oneType.add(vector(ATLAS.embedding(SyntheticAtlas.QUERY_STUDY, r)));
            }
            if (!l.equals(ATLAS.absentLabel()) && mixed.size() < 20) {
                mixed.add(vector(ATLAS.embedding(SyntheticAtlas.QUERY_STUDY, r)));
            }
        }
        Response one = postJson(OUTSIDER_KEY, "/v1/search/centroid", map("embeddings", oneType, "k", 50));
        assertThat(one.statusCode()).as(one.asString()).isEqualTo(200);
        assertThat(one.jsonPath().getList("hits.cell.author_label", String.class))
                .hasSize(50)
                .containsOnly(label);
        Response mix = postJson(OUTSIDER_KEY, "/v1/search/centroid", map("embeddings", mixed, "k", 50));
        assertThat(mix.statusCode()).as(mix.asString()).isEqualTo(200);
        double coherent = one.jsonPath().getDouble("query_coherence");
        double incoherent = mix.jsonPath().getDouble("query_coherence");
        assertThat(coherent).isGreaterThan(incoherent);
        assertThat(one.jsonPath().getDouble("query_coherence_fraction")).isBetween(0.0, 1.0);
        assertThat(one.jsonPath().getString("method")).isEqualTo("embedding_mean");
    }

    @Test
    void summedCountsCentroidOfOneTypeFindsThatTypeAsScimilarityBuildsIt() {
        String label = ATLAS.typeNames().get(3);
        List<String> ofType = new ArrayList<>();
        for (int r = 0; r < 150 && ofType.size() < 20; r++) {
            if (ATLAS.label(SyntheticAtlas.QUERY_STUDY, r).equals(label)) {
                ofType.add(queryIds(0, 150).get(r));
            }
        }
        Map<String, Object> counts = map(
                "genes", ATLAS.genes(),
                "cell_ids", queryIds(0, 150),
                "counts", ATLAS.queryCounts(0, 150));
        Response summed =
                postJson(OUTSIDER_KEY, "/v1/search/centroid", map("counts", counts, "cells", ofType, "k", 50));
        assertThat(summed.statusCode()).as(summed.asString()).isEqualTo(200);
        assertThat(summed.jsonPath().getString("method")).isEqualTo("summed_counts");
        assertThat(summed.jsonPath().getInt("query_cells")).isEqualTo(ofType.size());
        assertThat(summed.jsonPath().getList("hits.cell.author_label", String.class))
                .hasSize(50)
                .containsOnly(label);
        assertThat(summed.jsonPath().getDouble("query_coherence_fraction")).isBetween(0.0, 1.0);

        // the same cells averaged in embedding space: today's method, still available by name
        Response mean = postJson(
                OUTSIDER_KEY,
                "/v1/search/centroid",
                map("counts", counts, "cells", ofType, "method", "embedding_mean", "k", 50));
        assertThat(mean.statusCode()).as(mean.asString()).isEqualTo(200);
        assertThat(mean.jsonPath().getString("method")).isEqualTo("embedding_mean");
        assertThat(mean.jsonPath().getList("hits.cell.author_label", String.class))
                .hasSize(50)
                .containsOnly(label);
        assertThat(mean.jsonPath().getList("centroid", Float.class))
                .isNotEqualTo(summed.jsonPath().getList("centroid", Float.class));

        // summed counts need counts
        Response noCounts = postJson(
                OUTSIDER_KEY,
                "/v1/search/centroid",
                map("cell_ids", List.of(ATLAS.docId("synth01", 0)), "method", "summed_counts"));
        assertThat(noCounts.statusCode()).as(noCounts.asString()).isEqualTo(400);
        assertThat(noCounts.asString()).contains("method-needs-counts");
    }

    @Test
    void summedCountsCentroidOfAnUploadedFileUsesTheNamedCells() throws java.io.IOException {
        String label = ATLAS.typeNames().get(2);
        List<String> ofType = new ArrayList<>();
        for (int r = 0; r < 150 && ofType.size() < 15; r++) {
            if (ATLAS.label(SyntheticAtlas.QUERY_STUDY, r).equals(label)) {
                ofType.add(queryIds(0, 150).get(r));
            }
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("centroid", ".h5ad");
        try {
            ATLAS.writeQuery(file, 0, 150);
            Response r = as(OUTSIDER_KEY)
                    .multiPart("file", file.toFile())
                    .multiPart("cells", String.join(",", ofType))
                    .multiPart("k", "40")
                    .post("/v1/search/centroid");
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
            assertThat(r.jsonPath().getString("method")).isEqualTo("summed_counts");
            assertThat(r.jsonPath().getInt("query_cells")).isEqualTo(ofType.size());
            assertThat(r.jsonPath().getList("hits.cell.author_label", String.class))
                    .hasSize(40)
                    .containsOnly(label);

            Response unknown = as(OUTSIDER_KEY)
                    .multiPart("file", file.toFile())
                    .multiPart("cells", "no-such-cell")
                    .post("/v1/search/centroid");
            assertThat(unknown.statusCode()).as(unknown.asString()).isEqualTo(422);
            assertThat(unknown.asString()).contains("unknown-cells");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void signatureSearchCentresOnTheCellsExpressingTheMarkers() {
        int type = 1;
        Map<String, Object> counts = map(
                "genes", ATLAS.genes(),
                "cell_ids", queryIds(0, 150),
                "counts", ATLAS.queryCounts(0, 150));
        Response r = postJson(
                OUTSIDER_KEY,
                "/v1/search/signature",
                map("counts", counts, "genes", ATLAS.markers(type).subList(0, 10), "top_fraction", 0.1, "k", 30));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<String> selected = r.jsonPath().getList("selected_cell_ids");
        assertThat(selected).hasSize(15);
        long ofType = selected.stream()
                .filter(id -> ATLAS.label(
                                SyntheticAtlas.QUERY_STUDY,
                                ATLAS.study(SyntheticAtlas.QUERY_STUDY)
                                        .cellIds()
                                        .indexOf(id))
                        .equals(ATLAS.typeNames().get(type)))
                .count();
        assertThat(ofType).isEqualTo(15);
        assertThat(r.jsonPath().getList("search.hits.cell.author_label", String.class))
                .hasSize(30)
                .containsOnly(ATLAS.typeNames().get(type));
        // scanpy's score_genes selection at the 1 - top_fraction quantile, then SCimilarity's summed counts
        assertThat(r.jsonPath().getDouble("quantile")).isCloseTo(0.9, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(r.jsonPath().getInt("control_genes")).isPositive();
        assertThat(r.jsonPath().getDouble("min_selected_score"))
                .isGreaterThanOrEqualTo(r.jsonPath().getDouble("threshold"));
        assertThat(r.jsonPath().getString("search.method")).isEqualTo("summed_counts");
        assertThat(r.jsonPath().getInt("search.query_cells")).isEqualTo(15);
    }

    @Test
    void radiusPagesConcatenatedEqualOneRadiusSearchOfAllHits() {
        float[] q0 = ATLAS.embedding("synth01", firstIndexedRow("synth01", 2));
        float[] q1 = ATLAS.embedding("synth02", firstIndexedRow("synth02", 1));
        Map<String, Object> body = map("embeddings", List.of(vector(q0), vector(q1)), "max_dist", 0.5);
        Response whole = postJson(OUTSIDER_KEY, "/v1/search/radius", body);
        assertThat(whole.statusCode()).as(whole.asString()).isEqualTo(200);
        for (int query = 0; query < 2; query++) {
            List<String> all = whole.jsonPath().getList("results[" + query + "].hits.id");
            assertThat(all).hasSizeGreaterThan(20);
            assertThat(whole.jsonPath().getLong("results[" + query + "].total_hits"))
                    .isEqualTo(all.size());
            assertThat(whole.jsonPath().getBoolean("results[" + query + "].truncated"))
                    .isFalse();

            // four or five pages: the first answer pages every query, a cursor continues its own query
            body.put("limit", all.size() / 4);
            body.remove("cursor");
            Response page = postJson(OUTSIDER_KEY, "/v1/search/radius", body);
            assertThat(page.jsonPath().getList("results")).hasSize(2);
            List<String> paged = new ArrayList<>();
            String at = "results[" + query + "]";
            while (true) {
                assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
                assertThat(page.jsonPath().getInt(at + ".query")).isEqualTo(query);
                assertThat(page.jsonPath().getLong(at + ".total_hits")).isEqualTo(all.size());
                paged.addAll(page.jsonPath().getList(at + ".hits.id"));
                String next = page.jsonPath().getString(at + ".next_cursor");
                assertThat(page.jsonPath().getBoolean(at + ".truncated")).isEqualTo(next != null);
                if (next == null) {
                    break;
                }
                body.put("cursor", next);
                page = postJson(OUTSIDER_KEY, "/v1/search/radius", body);
                at = "results[0]"; // a cursor's answer holds its query only
            }
            assertThat(paged).isEqualTo(all);
        }
    }

    static List<String> queryIds(int from, int to) {
        return ATLAS.study(SyntheticAtlas.QUERY_STUDY).cellIds().subList(from, to);
    }

    static int firstIndexedRow(String study, int type) {
        for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
            if (ATLAS.indexed(study, r)
                    && ATLAS.label(study, r).equals(ATLAS.typeNames().get(type))) {
                return r;
            }
        }
        throw new IllegalStateException("no indexed cell of type " + type + " in " + study);
    }

    static int rowOf(String docId) {
        String[] parts = docId.split(":", 2);
        return ATLAS.study(parts[0]).cellIds().indexOf(parts[1]);
    }
}
