package org.liveatlas.flink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.TransientException;

class OpenSearchSinkWriterTest {
    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4));

    private static BulkAction doc(int i) {
        return BulkAction.upsert("cells", "s:" + i, "{\"cell_id\":\"c" + i + "\"}", "s@v");
    }

    private static final class Recorder implements BarrierHandler {
        final List<String> payloads = new ArrayList<>();
        final List<Long> acknowledged = new ArrayList<>();

        @Override
        public void onBarrier(String payload, long acked, OpenSearchHttp http) {
            payloads.add(payload);
            acknowledged.add(acked);
        }
    }

    private static OpenSearchSinkWriter writer(FakeOpenSearch os, int maxActions, RetryPolicy retry, BarrierHandler h) {
        return new OpenSearchSinkWriter(
                OpenSearchHttp.connect(OpenSearchEndpoint.of(os.url())), maxActions, 1 << 20, retry, h);
    }

    @Test
    void sendsABulkRequestWhenTheBufferIsFullAndTheRestOnFlush() throws Exception {
        try (FakeOpenSearch os = new FakeOpenSearch().then(200, b -> FakeOpenSearch.bulkAnswer(b, i -> 201));
                OpenSearchSinkWriter w = writer(os, 3, FAST, new Recorder())) {
            for (int i = 0; i < 4; i++) {
                w.write(doc(i), null);
            }
            w.awaitInFlight();
            assertThat(os.requests()).as("the full buffer went out on its own").hasSize(1);
            w.flush(false);
            assertThat(os.requests()).hasSize(2);
            assertThat(os.requests().get(0)).startsWith("/_bulk\n{\"index\":{\"_index\":\"cells\",\"_id\":\"s:0\"}}");
            w.flush(false);
            assertThat(os.requests()).as("nothing left to send").hasSize(2);
        }
    }

    @Test
    void retriesAThrottledRequestAndOnlyTheFailedItemsThenTheBarrierSeesEveryAcknowledgement() throws Exception {
        Recorder recorder = new Recorder();
        try (FakeOpenSearch os = new FakeOpenSearch()
                        .then(429, b -> "{\"error\":\"too many requests\"}")
                        .then(200, b -> FakeOpenSearch.bulkAnswer(b, i -> i == 1 ? 503 : 201))
                        .then(200, b -> FakeOpenSearch.bulkAnswer(b, i -> 200));
                OpenSearchSinkWriter w = writer(os, 100, FAST, recorder)) {
            for (int i = 0; i < 3; i++) {
                w.write(doc(i), null);
            }
            w.write(BulkAction.barrier("{\"done\":true}", "s@v"), null);

            assertThat(os.requests()).hasSize(3);
            String retried = os.requests().get(2);
            assertThat(retried).contains("\"s:1\"").doesNotContain("\"s:0\"").doesNotContain("\"s:2\"");
            assertThat(recorder.payloads).containsExactly("{\"done\":true}");
            assertThat(recorder.acknowledged).containsExactly(3L);
        }
    }

    @Test
    void aDocumentRejectedByTheMappingIsPoisonAndNotRetried() throws Exception {
        try (FakeOpenSearch os =
                        new FakeOpenSearch().then(200, b -> FakeOpenSearch.bulkAnswer(b, i -> i == 2 ? 400 : 201));
                OpenSearchSinkWriter w = writer(os, 100, FAST, new Recorder())) {
            for (int i = 0; i < 3; i++) {
                w.write(doc(i), null);
            }
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(PoisonInputException.class)
                    .hasMessageContaining("1 of 3 bulk actions were rejected")
                    .hasMessageContaining("mapper_parsing_exception");
            assertThat(os.requests()).hasSize(1);
        }
    }

    @Test
    void givesUpWithATransientErrorAfterTheConfiguredRetries() throws Exception {
        try (FakeOpenSearch os = new FakeOpenSearch().then(503, b -> "{\"error\":\"unavailable\"}");
                OpenSearchSinkWriter w = writer(os, 100, FAST, new Recorder())) {
            w.write(doc(0), null);
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(TransientException.class)
                    .hasMessageContaining("after 3 retries")
                    .hasMessageContaining("HTTP 503");
            assertThat(os.requests()).hasSize(4);
        }
    }

    @Test
    void retriesWhileTheConnectionIsRefused() throws Exception {
        FakeOpenSearch gone = new FakeOpenSearch();
        String url = gone.url();
        gone.close();
        try (OpenSearchSinkWriter w = new OpenSearchSinkWriter(
                OpenSearchHttp.connect(OpenSearchEndpoint.of(url)), 100, 1 << 20, FAST, new Recorder())) {
            w.write(doc(0), null);
            assertThatThrownBy(() -> w.flush(false))
                    .isInstanceOf(TransientException.class)
                    .hasMessageContaining("still failing after 3 retries");
        }
    }
}
