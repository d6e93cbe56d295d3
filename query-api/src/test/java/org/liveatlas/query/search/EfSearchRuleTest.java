package org.liveatlas.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.query.config.QueryConfig;

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
}
