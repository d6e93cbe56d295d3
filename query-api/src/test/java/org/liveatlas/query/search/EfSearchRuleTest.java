package org.liveatlas.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.config.QueryConfig;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch._types.query_dsl.Query;

class EfSearchRuleTest {

    @Test
    void efIsFactorTimesKRaisedToTheMinimumCappedAtTheMaximumAndNeverBelowK() {
        EfSearchRule r = new EfSearchRule(2, 100, 2000);
        assertThat(r.efSearch(1)).isEqualTo(100); // min
        assertThat(r.efSearch(10)).isEqualTo(100); // min
        assertThat(r.efSearch(50)).isEqualTo(100); // min = 2 * 50
        assertThat(r.efSearch(51)).isEqualTo(102); // factor
        assertThat(r.efSearch(400)).isEqualTo(800); // factor
        assertThat(r.efSearch(1000)).isEqualTo(2000); // factor = max
        assertThat(r.efSearch(1500)).isEqualTo(2000); // max
        assertThat(r.efSearch(5000)).isEqualTo(5000); // k above max: ef = k
    }

    @Test
    void aFractionalFactorRoundsUp() {
        EfSearchRule r = new EfSearchRule(1.5, 1, 10_000);
        assertThat(r.efSearch(3)).isEqualTo(5);
        assertThat(r.efSearch(50)).isEqualTo(75);
    }

    @Test
    void factorOneAndMinimumOneIsTheEnginesDefaultEfEqualsK() {
        for (int k : new int[] {1, 10, 50, 777}) {
            assertThat(new EfSearchRule(1, 1, 1).efSearch(k)).isEqualTo(k);
            assertThat(EfSearchRule.efEqualsK().efSearch(k)).isEqualTo(k);
        }
    }

    @Test
    void theShippedDefaultsAreTheMeasuredRule() {
        QueryConfig.Search search = search(Map.of());
        EfSearchRule r = EfSearchRule.of(search);
        assertThat(r).isEqualTo(new EfSearchRule(2, 100, 2000));
        assertThat(r.efSearch(10)).isEqualTo(100);
        assertThat(r.efSearch(50)).isEqualTo(100);
    }

    @Test
    void theKeysConfigureTheRule() {
        QueryConfig.Search search = search(Map.of(
                "atlas.query.search.ef-search-factor", "3",
                "atlas.query.search.ef-search-min", "20",
                "atlas.query.search.ef-search-max", "500"));
        EfSearchRule r = EfSearchRule.of(search);
        assertThat(r.efSearch(5)).isEqualTo(20);
        assertThat(r.efSearch(50)).isEqualTo(150);
        assertThat(r.efSearch(300)).isEqualTo(500);
    }

    @Test
    void anImpossibleRuleIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> new EfSearchRule(0.5, 1, 10)).hasMessageContaining("ef-search-factor");
        assertThatThrownBy(() -> new EfSearchRule(2, 0, 10)).hasMessageContaining("ef-search-min");
        assertThatThrownBy(() -> new EfSearchRule(2, 100, 50)).hasMessageContaining("ef-search-max");
        assertThatThrownBy(() -> new EfSearchRule(2, 1, 10).efSearch(0)).hasMessageContaining("k 0");
    }

    @Test
    void theNearestQueryCarriesTheRulesEfSearchBesideKAndTheFilter() {
        CellIndex index = new CellIndex(null, "cells", new EfSearchRule(2, 100, 2000));
        Query filter = Query.of(q -> q.term(t -> t.field("reference").value(v -> v.booleanValue(true))));
        String json = json(index.nearestQuery(new float[] {0.6f, 0.8f}, 50, filter));
        assertThat(json)
                .contains("\"k\":50")
                .contains("\"method_parameters\":{\"ef_search\":100}")
                .contains("\"filter\":{\"term\":{\"reference\"");
        assertThat(json(index.nearestQuery(new float[] {0.6f, 0.8f}, 300, filter)))
                .contains("\"k\":300")
                .contains("\"method_parameters\":{\"ef_search\":600}");
    }

    @Test
    void thePlainKnnAndTheRadialQueriesSendNoMethodParameters() {
        Query filter = Query.of(q -> q.matchAll(m -> m));
        assertThat(json(CellIndex.knn(new float[] {1, 0}, 10, filter))).doesNotContain("method_parameters");
        assertThat(json(CellIndex.radial(new float[] {1, 0}, 0.2, filter)))
                .contains("min_score")
                .doesNotContain("method_parameters");
        assertThatThrownBy(() -> CellIndex.knn(new float[] {1, 0}, 10, 5, filter))
                .hasMessageContaining("below k");
    }

    private static QueryConfig.Search search(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withSources(new SysPropConfigSource())
                .withMapping(QueryConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 400))
                .build()
                .getConfigMapping(QueryConfig.class)
                .search();
    }

    private static String json(Query q) {
        JacksonJsonpMapper mapper = new JacksonJsonpMapper();
        StringWriter out = new StringWriter();
        try (var g = mapper.jsonProvider().createGenerator(out)) {
            q.serialize(g, mapper);
        }
        return out.toString();
    }
}
