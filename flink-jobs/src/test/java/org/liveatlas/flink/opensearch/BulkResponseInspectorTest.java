package org.liveatlas.flink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.liveatlas.schemas.Json;

class BulkResponseInspectorTest {

    private static BulkResponseInspector.Verdict inspect(String json, int n) throws Exception {
        return BulkResponseInspector.inspect(Json.mapper().readTree(json), n);
    }

    @Test
    void separatesAcknowledgedTransientAndPoisonItems() throws Exception {
        String answer = "{\"errors\":true,\"items\":["
                + "{\"index\":{\"_index\":\"c\",\"_id\":\"a\",\"status\":201}},"
                + "{\"index\":{\"_index\":\"c\",\"_id\":\"b\",\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"queue full\"}}},"
                + "{\"index\":{\"_index\":\"c\",\"_id\":\"x\",\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"bad vector\"}}},"
                + "{\"delete\":{\"_index\":\"c\",\"_id\":\"gone\",\"status\":404,\"result\":\"not_found\"}},"
                + "{\"index\":{\"_index\":\"c\",\"_id\":\"e\",\"status\":502,\"error\":{\"type\":\"x\",\"reason\":\"y\"}}}]}";
        BulkResponseInspector.Verdict v = inspect(answer, 5);
        assertThat(v.acknowledged()).containsExactly(0, 3);
        assertThat(v.transientFailures()).containsExactly(1, 4);
        assertThat(v.poison())
                .singleElement()
                .asString()
                .contains("c/x")
                .contains("HTTP 400")
                .contains("bad vector");
    }

    @Test
    void anItemWithAnErrorIsNeverAcknowledgedWhateverItsStatus() throws Exception {
        String answer = "{\"items\":[{\"index\":{\"_index\":\"c\",\"_id\":\"a\",\"status\":200,"
                + "\"error\":{\"type\":\"strange\",\"reason\":\"error with a 200\"}}}]}";
        assertThat(inspect(answer, 1).acknowledged()).isEmpty();
        assertThat(inspect(answer, 1).poison()).hasSize(1);
    }

    @Test
    void anAnswerWithTheWrongNumberOfItemsIsAnError() {
        assertThatThrownBy(() -> inspect("{\"items\":[]}", 2))
                .isInstanceOf(OpenSearchRequestException.class)
                .hasMessageContaining("bulk-index 2 actions (the answer lists 0 items)");
    }
}
