package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.as;
import static org.liveatlas.query.testing.Api.map;
import static org.liveatlas.query.testing.Api.postJson;
import static org.liveatlas.query.testing.Api.vector;
import static org.liveatlas.query.testing.AtlasTestResource.MEMBER_KEY;
import static org.liveatlas.query.testing.AtlasTestResource.OUTSIDER_KEY;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.query.testing.SyntheticAtlas;

/** {@code /v1/where}: the engine's aggregations match counts computed directly. */
@QuarkusTest
@QuarkusTestResource(AtlasTestResource.class)
class WhereIT {
    static final SyntheticAtlas ATLAS = SyntheticAtlas.shared();

    @Test
    void labelCountsByStudySampleTissueDiseaseAndMonthMatchDirectCounts() {
        String label = ATLAS.typeNames().get(2);
        Map<String, Long> byStudy = new HashMap<>();
        Map<String, Long> bySample = new HashMap<>();
        Map<String, Long> studyCells = new HashMap<>();
        long total = 0;
        for (String s : List.of("synth01", "synth02")) {
            SyntheticStudy st = ATLAS.study(s);
            for (int r = 0; r < st.cells(); r++) {
                if (!ATLAS.indexed(s, r)) {
                    continue;
                }
                studyCells.merge(s, 1L, Long::sum);
                if (ATLAS.label(s, r).equals(label)) {
                    total++;
                    byStudy.merge(s, 1L, Long::sum);
                    bySample.merge(s + "/" + st.obs().get(SyntheticStudy.SAMPLE).get(r), 1L, Long::sum);
                }
            }
        }
        Response r = postJson(OUTSIDER_KEY, "/v1/where", map("label", label));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getLong("total_hits")).isEqualTo(total);
        List<Map<String, Object>> studies = r.jsonPath().getList("by_study");
        assertThat(studies).hasSize(2);
        for (Map<String, Object> g : studies) {
            String s = (String) g.get("key");
            assertThat(((Number) g.get("hits")).longValue()).isEqualTo(byStudy.get(s));
            assertThat(((Number) g.get("group_cells")).longValue()).isEqualTo(studyCells.get(s));
            assertThat(((Number) g.get("fraction")).doubleValue())
                    .isCloseTo((double) byStudy.get(s) / total, org.assertj.core.data.Offset.offset(1e-6));
        }
        List<Map<String, Object>> samples = r.jsonPath().getList("by_sample");
        Map<String, Long> got = new HashMap<>();
        samples.forEach(g -> got.put(g.get("study") + "/" + g.get("key"), ((Number) g.get("hits")).longValue()));
        assertThat(got).isEqualTo(bySample);
        assertThat(r.jsonPath().getList("by_tissue.key", String.class)).containsExactlyInAnyOrder("blood", "lung");
        assertThat(r.jsonPath().getList("by_disease.key", String.class))
                .containsExactlyInAnyOrder("normal", "COVID-19");
        Map<String, Long> months = new HashMap<>();
        r.jsonPath()
                .getList("by_deposit_month", Map.class)
                .forEach(m -> months.put((String) m.get("key"), ((Number) m.get("hits")).longValue()));
        assertThat(months).isEqualTo(Map.of("2026-09", byStudy.get("synth01"), "2026-10", byStudy.get("synth02")));
    }

    @Test
    void searchAggregationsCountExactlyTheHitsOfTheSameSearch() {
        int row = SearchIT.firstIndexedRow("synth02", 0);
        List<List<Float>> q = List.of(vector(ATLAS.embedding("synth02", row)));
        Response hits = postJson(OUTSIDER_KEY, "/v1/search/nearest", map("embeddings", q, "k", 150));
        Map<String, Long> direct = new HashMap<>();
        hits.jsonPath()
                .getList("results[0].hits.cell.study_id", String.class)
                .forEach(s -> direct.merge(s, 1L, Long::sum));
        Response where = postJson(OUTSIDER_KEY, "/v1/where", map("embeddings", q, "k", 150));
        assertThat(where.statusCode()).as(where.asString()).isEqualTo(200);
        assertThat(where.jsonPath().getLong("total_hits")).isEqualTo(150);
        Map<String, Long> aggregated = new HashMap<>();
        where.jsonPath()
                .getList("by_study", Map.class)
                .forEach(m -> aggregated.put((String) m.get("key"), ((Number) m.get("hits")).longValue()));
        assertThat(aggregated).isEqualTo(direct);
    }

    static final List<String> GROUPINGS =
            List.of("by_study", "by_sample", "by_tissue", "by_disease", "by_deposit_month");

    @Test
    void groupsPagedOneAtATimeEqualTheUnpagedGroupsWithTheirTotals() {
        Map<String, Object> body = map("label", ATLAS.typeNames().get(0), "group_limit", 10_000);
        Response whole = postJson(MEMBER_KEY, "/v1/where", body);
        assertThat(whole.statusCode()).as(whole.asString()).isEqualTo(200);
        assertThat(whole.jsonPath().getString("next_cursor")).isNull();
        Map<String, List<Map<String, Object>>> paged = new HashMap<>();
        GROUPINGS.forEach(g -> paged.put(g, new java.util.ArrayList<>()));
        body.put("group_limit", 2);
        int pages = 0;
        for (String cursor = null; ; ) {
            body.put("cursor", cursor);
            Response page = postJson(MEMBER_KEY, "/v1/where", body);
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            assertThat(page.jsonPath().getLong("total_hits"))
                    .isEqualTo(whole.jsonPath().getLong("total_hits"));
            for (String g : GROUPINGS) {
                List<Map<String, Object>> groups = page.jsonPath().getList(g);
                assertThat(groups.size()).isLessThanOrEqualTo(2);
                paged.get(g).addAll(groups);
                assertThat(page.jsonPath().getLong("groups_total." + g))
                        .isEqualTo(whole.jsonPath().getList(g).size());
            }
            pages++;
            cursor = page.jsonPath().getString("next_cursor");
            if (cursor == null) {
                break;
            }
        }
        for (String g : GROUPINGS) {
            assertThat(paged.get(g)).as(g).isEqualTo(whole.jsonPath().getList(g));
        }
        int most = GROUPINGS.stream()
                .mapToInt(g -> whole.jsonPath().getList(g).size())
                .max()
                .orElseThrow();
        assertThat(most).as("a grouping spans pages").isGreaterThan(2);
        assertThat(pages).isEqualTo((most + 1) / 2);
    }

    @Test
    void atlasCountsEveryLabelAndStudyOfTheVisibleCells() {
        Map<String, Long> labels = new HashMap<>();
        long cells = 0;
        for (String s : List.of("synth01", "synth02")) {
            for (int r = 0; r < SyntheticAtlas.CELLS_PER_STUDY; r++) {
                if (ATLAS.indexed(s, r)) {
                    cells++;
                    labels.merge(ATLAS.label(s, r), 1L, Long::sum);
                }
            }
        }
        Response r = as(OUTSIDER_KEY).get("/v1/atlas");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getLong("cells")).isEqualTo(cells);
        assertThat(r.jsonPath().getLong("studies")).isEqualTo(2);
        assertThat(r.jsonPath().getLong("labels_total")).isEqualTo(labels.size());
        Map<String, Object> got = r.jsonPath().getMap("labels");
        Map<String, Long> counted = new HashMap<>();
        got.forEach((k, v) -> counted.put(k, ((Number) v).longValue()));
        assertThat(counted).isEqualTo(labels);
        List<Long> order =
                got.values().stream().map(v -> ((Number) v).longValue()).toList();
        assertThat(order).as("most frequent first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }
}
