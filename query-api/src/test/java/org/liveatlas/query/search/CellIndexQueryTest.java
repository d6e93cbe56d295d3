package org.liveatlas.query.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.TransientException;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.MsearchRequest;
import org.opensearch.client.transport.Endpoint;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.TransportOptions;

/** The k-NN request bodies {@code CellIndex} builds, as the client serialises them (no OpenSearch). */
class CellIndexQueryTest {

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

    @Test
    void theNearestSearchSendsEachQueryWithTheRulesEfSearch() {
        Capture capture = new Capture();
        CellIndex index = new CellIndex(new OpenSearchClient(capture), "cells", new EfSearchRule(3, 40, 2000));
        Query filter =
                CellIndex.filter(org.liveatlas.query.security.Caller.anonymous(), SearchFilters.none(), false, null);
        assertThatThrownBy(() -> index.nearest(List.of(new float[] {1, 0}, new float[] {0, 1}), 20, filter))
                .isInstanceOf(TransientException.class);
        assertThat(capture.requests).hasSize(1);
        MsearchRequest sent = (MsearchRequest) capture.requests.get(0);
        assertThat(sent.searches()).hasSize(2).allSatisfy(item -> assertThat(
                        item.body().toJsonString())
                .contains("\"size\":20")
                .contains("\"k\":20")
                .contains("\"method_parameters\":{\"ef_search\":60}")
                .contains("\"filter\":{\"bool\""));
    }

    private static String json(Query q) {
        return q.toJsonString();
    }

    /** A transport that keeps each request and answers none. */
    private static final class Capture implements OpenSearchTransport {
        final List<Object> requests = new ArrayList<>();
        private final JsonpMapper mapper = new JacksonJsonpMapper();

        @Override
        public <RequestT, ResponseT, ErrorT> ResponseT performRequest(
                RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options)
                throws IOException {
            requests.add(request);
            throw new IOException("captured, not sent");
        }

        @Override
        public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(
                RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
            requests.add(request);
            return CompletableFuture.failedFuture(new IOException("captured, not sent"));
        }

        @Override
        public JsonpMapper jsonpMapper() {
            return mapper;
        }

        @Override
        public TransportOptions options() {
            return null;
        }

        @Override
        public void close() {}
    }
}
