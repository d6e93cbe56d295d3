package org.liveatlas.query.index;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URISyntaxException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.liveatlas.query.config.QueryConfig;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/** Produces the one OpenSearch client of the application, built from {@code atlas.query.opensearch.*}. */
@ApplicationScoped
public class OpenSearchProducer {

    // a singleton, not a proxied normal-scoped bean: the client class has no no-args constructor
    @Produces
    @Singleton
    OpenSearchClient client(QueryConfig config) {
        HttpHost host;
        try {
            host = HttpHost.create(config.opensearch().url());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(
                    "atlas.query.opensearch.url '" + config.opensearch().url()
                            + "' is not a URL; set it to the cluster's base URL, e.g. http://127.0.0.1:9200",
                    e);
        }
        int timeout = config.opensearch().timeoutSeconds();
        return new OpenSearchClient(ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper())
                .setRequestConfigCallback(r -> r.setResponseTimeout(Timeout.ofSeconds(timeout))
                        .setConnectionRequestTimeout(Timeout.ofSeconds(timeout)))
                .build());
    }

    void close(@Disposes OpenSearchClient client) throws IOException {
        client._transport().close();
    }
}
