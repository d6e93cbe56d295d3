package org.liveatlas.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.liveatlas.query.testing.Api.map;
import static org.liveatlas.query.testing.Api.postJson;
import static org.liveatlas.query.testing.Api.vector;
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
}
