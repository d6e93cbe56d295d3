package org.liveatlas.flink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.schemas.index.IndexMappings;
import org.liveatlas.schemas.index.KnnSettings;

/**
 * A retired cells index is kept for the retention counted from the later of its retirement and its last
 * use by a query pinning its model ({@code _meta.last_used_at}, which the query API writes), on a real
 * OpenSearch.
 */
@ExtendWith(AtlasStackExtension.class)
class IndexRetentionIT {

    @Test
    void aRecentlyUsedRetiredIndexOutlivesItsRetirementPlusRetention(TestStack stack) throws Exception {
        try (OpenSearchHttp http = OpenSearchHttp.connect(OpenSearchEndpoint.of(stack.openSearchUrl()))) {
            IndexManager indexes = new IndexManager(http, stack.unique("ret") + "-");
            String unused = indexes.ensureCellsIndex("v1", KnnSettings.defaults(8));
            String used = indexes.ensureCellsIndex("v2", KnnSettings.defaults(8));
            String serving = indexes.ensureCellsIndex("v3", KnnSettings.defaults(8));
            indexes.swapAlias(serving);
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            Duration retain = Duration.ofHours(24);
            indexes.retire(unused, t0);
            indexes.retire(used, t0);
            // a query pinned v2 twenty hours after both retired
            http.require(
                    "PUT",
                    "/" + used + "/_mapping",
                    "{\"_meta\": {\"" + IndexMappings.META_MODEL_VERSION + "\": \"v2\", \""
                            + IndexMappings.META_RETIRED_AT + "\": \"" + t0 + "\", \""
                            + IndexMappings.META_LAST_USED_AT + "\": \"" + t0.plus(Duration.ofHours(20)) + "\"}}",
                    "mark " + used + " as used");

            Optional<Instant> next = indexes.deleteRetired(retain, t0.plus(Duration.ofHours(25)));
            assertThat(indexes.exists(unused))
                    .as("unused, 25 h after retirement")
                    .isFalse();
            assertThat(indexes.exists(used)).as("used 5 h ago").isTrue();
            assertThat(next).contains(t0.plus(Duration.ofHours(44)));

            indexes.deleteRetired(retain, t0.plus(Duration.ofHours(44)));
            assertThat(indexes.exists(used)).as("24 h after its last use").isFalse();
            assertThat(indexes.exists(serving))
                    .as("the alias target is never retired")
                    .isTrue();
        }
    }
}
