package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.as;
import static org.liveatlas.query.testing.Api.map;
import static org.liveatlas.query.testing.Api.postJson;
import static org.liveatlas.query.testing.Api.problem;
import static org.liveatlas.query.testing.Api.vector;
import static org.liveatlas.query.testing.AtlasTestResource.MEMBER_KEY;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;

/**
 * The private study {@code synth03} (group lab-a) never shows in any hit, count or aggregation for a key
 * outside the group, and does for a member: one test per endpoint.
 */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class VisibilityIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();
    static final String PRIVATE = SyntheticAtlas.PRIVATE_STUDY;

    static int privateRow(int nth) {
        int seen = 0;
        for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
            if (ATLAS.indexed(PRIVATE, r) && seen++ == nth) {
                return r;
            }
        }
        throw new IllegalStateException("private study has fewer than " + (nth + 1) + " cells");
    }

    static long privateCells() {
        long n = 0;
        for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
            n += ATLAS.indexed(PRIVATE, r) ? 1 : 0;
        }
        return n;
    }

    @Test
    void nearestNeverReturnsPrivateCellsToOutsiders() {
        int row = privateRow(0);
        Map<String, Object> body = map("embeddings", List.of(vector(ATLAS.embedding(PRIVATE, row))), "k", 200);
        List<String> outsider =
                postJson(OUTSIDER_KEY, "/v1/search/nearest", body).jsonPath().getList("results[0].hits.cell.study_id");
        assertThat(outsider).hasSize(200).doesNotContain(PRIVATE);
        Response member = postJson(MEMBER_KEY, "/v1/search/nearest", body);
        assertThat(member.jsonPath().getString("results[0].hits[0].id")).isEqualTo(ATLAS.docId(PRIVATE, row));
    }

    @Test
    void aPrivateCellCannotBeUsedAsAQueryByOutsiders() {
        String id = ATLAS.docId(PRIVATE, privateRow(1));
        Map<String, Object> body = map("cell_ids", List.of(id), "k", 5);
        problem(postJson(OUTSIDER_KEY, "/v1/search/nearest", body), 404, "cell-not-found");
        assertThat(postJson(MEMBER_KEY, "/v1/search/nearest", body).statusCode())
                .isEqualTo(200);
    }

    @Test
    void radiusNeverReturnsPrivateCellsToOutsiders() {
        Map<String, Object> body =
                map("embeddings", List.of(vector(ATLAS.embedding(PRIVATE, privateRow(2)))), "max_dist", 2.0);
        Response outsider = postJson(OUTSIDER_KEY, "/v1/search/radius", body);
        assertThat(outsider.statusCode()).as(outsider.asString()).isEqualTo(200);
        List<String> studies = outsider.jsonPath().getList("results[0].hits.cell.study_id");
        assertThat(studies).isNotEmpty().doesNotContain(PRIVATE);
        List<String> member =
                postJson(MEMBER_KEY, "/v1/search/radius", body).jsonPath().getList("results[0].hits.cell.study_id");
        assertThat(member.stream().filter(PRIVATE::equals).count()).isEqualTo(privateCells());
    }

    @Test
    void centroidNeverReturnsPrivateCellsToOutsiders() {
        List<List<Float>> cells = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            cells.add(vector(ATLAS.embedding(PRIVATE, privateRow(i))));
        }
        Map<String, Object> body = map("embeddings", cells, "k", 20);
        List<String> outsider =
                postJson(OUTSIDER_KEY, "/v1/search/centroid", body).jsonPath().getList("hits.cell.study_id");
        assertThat(outsider).hasSize(20).doesNotContain(PRIVATE);
        List<String> member =
                postJson(MEMBER_KEY, "/v1/search/centroid", body).jsonPath().getList("hits.cell.study_id");
        assertThat(member).contains(PRIVATE);
    }

    @Test
    void signatureSearchNeverReturnsPrivateCellsToOutsiders() {
        Map<String, Object> counts = map(
                "genes", ATLAS.genes(),
                "cell_ids", ATLAS.study(SyntheticAtlas.QUERY_STUDY).cellIds().subList(0, 150),
                "counts", ATLAS.queryCounts(0, 150));
        Map<String, Object> body = map(
                "counts",
                counts,
                "genes",
                ATLAS.markers(SyntheticAtlas.ABSENT_TYPE).subList(0, 10),
                "top_fraction",
                0.1,
                "k",
                20);
        Response outsider = postJson(OUTSIDER_KEY, "/v1/search/signature", body);
        assertThat(outsider.statusCode()).as(outsider.asString()).isEqualTo(200);
        assertThat(outsider.jsonPath().getList("search.hits.cell.study_id", String.class))
                .doesNotContain(PRIVATE);
        assertThat(postJson(MEMBER_KEY, "/v1/search/signature", body)
                        .jsonPath()
                        .getList("search.hits.cell.study_id", String.class))
                .contains(PRIVATE);
    }

    @Test
    void whereCountsNoPrivateCellsForOutsiders() {
        Map<String, Object> body = map("label", ATLAS.absentLabel());
        Response outsider = postJson(OUTSIDER_KEY, "/v1/where", body);
        assertThat(outsider.statusCode()).as(outsider.asString()).isEqualTo(200);
        assertThat(outsider.jsonPath().getLong("total_hits")).isZero();
        assertThat(outsider.jsonPath().getList("by_study")).isEmpty();
        Response member = postJson(MEMBER_KEY, "/v1/where", body);
        assertThat(member.jsonPath().getLong("total_hits")).isEqualTo(privateCells());
        assertThat(member.jsonPath().getList("by_study.key", String.class)).containsExactly(PRIVATE);

        // aggregations of a search: the group totals exclude private cells too
        Response all = postJson(
                OUTSIDER_KEY, "/v1/where", map("label", ATLAS.typeNames().get(0)));
        assertThat(all.jsonPath().getList("by_tissue.key", String.class)).doesNotContain("unspecified");
        assertThat(all.jsonPath().getList("by_disease.key", String.class)).doesNotContain("lupus");
    }

    @Test
    void studiesListAndLookupHidePrivateStudiesFromOutsiders() {
        List<String> outsider = as(OUTSIDER_KEY).get("/v1/studies").jsonPath().getList("studies.study.study_id");
        assertThat(outsider).containsExactly("synth01", "synth02");
        List<String> member = as(MEMBER_KEY).get("/v1/studies").jsonPath().getList("studies.study.study_id");
        assertThat(member).containsExactly("synth01", "synth02", PRIVATE);
        problem(as(OUTSIDER_KEY).get("/v1/studies/" + PRIVATE), 404, "study-not-found");
        Response one = as(MEMBER_KEY).get("/v1/studies/" + PRIVATE);
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.jsonPath().getLong("cells_in_index")).isEqualTo(privateCells());
        assertThat(one.jsonPath().getString("study.state")).isEqualTo("indexed");
    }

    @Test
    void annotationNeverVotesWithPrivateCellsForOutsiders() {
        Map<String, Object> counts = map(
                "genes", ATLAS.genes(),
                "cell_ids", ATLAS.study(SyntheticAtlas.QUERY_STUDY).cellIds().subList(0, 100),
                "counts", ATLAS.queryCounts(0, 100));
        List<String> outsider = postJson(OUTSIDER_KEY, "/v1/annotate", map("counts", counts))
                .jsonPath()
                .getList("cells.voted_label");
        assertThat(outsider).doesNotContain(ATLAS.absentLabel());
        List<String> member = postJson(MEMBER_KEY, "/v1/annotate", map("counts", counts))
                .jsonPath()
                .getList("cells.voted_label");
        assertThat(member).contains(ATLAS.absentLabel());
    }

    @Test
    void pagingStudiesReturnsEveryVisibleStudyOnceWithTheTrueCountAndNeverThePrivateOneToOutsiders() {
        assertThat(studyPages(OUTSIDER_KEY, 1, 2)).containsExactly("synth01", "synth02");
        assertThat(studyPages(MEMBER_KEY, 2, 3)).containsExactly("synth01", "synth02", PRIVATE);
        Response last = as(MEMBER_KEY)
                .queryParam("limit", 2)
                .queryParam(
                        "cursor",
                        as(MEMBER_KEY)
                                .queryParam("limit", 2)
                                .get("/v1/studies")
                                .jsonPath()
                                .getString("next_cursor"))
                .get("/v1/studies");
        assertThat(last.jsonPath().getLong("studies[0].cells_in_index")).isEqualTo(privateCells());

        // a member's cursor is refused to an outsider: a cursor is bound to its key
        String memberCursor = as(MEMBER_KEY)
                .queryParam("limit", 1)
                .get("/v1/studies")
                .jsonPath()
                .getString("next_cursor");
        problem(as(OUTSIDER_KEY).queryParam("cursor", memberCursor).get("/v1/studies"), 400, "invalid-cursor");
    }

    /** Every study of every page with {@code limit}, checking the count on each page. */
    static List<String> studyPages(String key, int limit, int count) {
        List<String> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = as(key).queryParam("limit", limit);
            Response page = (cursor == null ? request : request.queryParam("cursor", cursor)).get("/v1/studies");
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            assertThat(page.jsonPath().getLong("count")).isEqualTo(count);
            List<String> ids = page.jsonPath().getList("studies.study.study_id");
            assertThat(ids.size()).isLessThanOrEqualTo(limit);
            all.addAll(ids);
            cursor = page.jsonPath().getString("next_cursor");
            assertThat(++pages).as("pages of %s", all).isLessThanOrEqualTo(count);
        } while (cursor != null);
        return all;
    }

    @Test
    void pagingARadiusSearchNeverReturnsPrivateCellsToOutsiders() {
        Map<String, Object> body = map(
                "embeddings", List.of(vector(ATLAS.embedding(PRIVATE, privateRow(3)))), "max_dist", 2.0, "limit", 150);
        List<String> studies = new ArrayList<>();
        long total = -1;
        for (String cursor = null; ; ) {
            body.put("cursor", cursor);
            Response page = postJson(OUTSIDER_KEY, "/v1/search/radius", body);
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            studies.addAll(page.jsonPath().getList("results[0].hits.cell.study_id"));
            total = page.jsonPath().getLong("results[0].total_hits");
            cursor = page.jsonPath().getString("results[0].next_cursor");
            if (cursor == null) {
                break;
            }
        }
        assertThat(studies).hasSize((int) total).doesNotContain(PRIVATE);
        long publicCells = 0;
        for (String s : List.of("synth01", "synth02")) {
            for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
                publicCells += ATLAS.indexed(s, r) ? 1 : 0;
            }
        }
        assertThat(total).isEqualTo(publicCells);
    }
}
