package org.liveatlas.flink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenSearchSinkBuilderTest {

    @Test
    void eachArgumentIsCheckedWithAMessageNamingIt() {
        assertThatThrownBy(() -> OpenSearchSink.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs an endpoint");
        assertThatThrownBy(() -> OpenSearchSink.builder().maxBufferedActions(0))
                .hasMessageContaining("maxBufferedActions must be in 1..100000, got 0");
        assertThatThrownBy(() -> OpenSearchSink.builder().maxBufferedBytes(10))
                .hasMessageContaining("maxBufferedBytes must be at least 1024, got 10");
        assertThatThrownBy(() -> OpenSearchSink.builder().retryPolicy(null))
                .hasMessageContaining("retryPolicy must not be null");
        assertThatThrownBy(() -> OpenSearchEndpoint.of("localhost:9200"))
                .hasMessageContaining("must be http(s)://host:port");
        assertThatThrownBy(() -> new OpenSearchEndpoint("http://h:9200", "user", null))
                .hasMessageContaining("both a username and a password");
    }

    @Test
    void bulkActionsRequireWhatTheirKindNeeds() {
        assertThatThrownBy(() -> BulkAction.upsert("cells", "s:1", "", null))
                .hasMessageContaining("UPSERT bulk action needs a non-empty document");
        assertThatThrownBy(() -> BulkAction.delete("cells", null))
                .hasMessageContaining("DELETE bulk action needs a non-empty id");
        assertThat(BulkAction.barrier("{}", null).kind()).isEqualTo(BulkAction.Kind.BARRIER);
    }

    @Test
    void theEndpointNeverPrintsItsPassword() {
        assertThat(new OpenSearchEndpoint("https://h:9200", "atlas", "s3cret").toString())
                .doesNotContain("s3cret")
                .contains("atlas");
    }

    @Test
    void buildsASinkWithDefaults() {
        assertThat(OpenSearchSink.builder()
                        .endpoint(OpenSearchEndpoint.of("http://127.0.0.1:9200"))
                        .build())
                .isNotNull();
    }
}
