package org.liveatlas.flink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.core5.http.HttpHost;
import org.liveatlas.schemas.Json;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.OpenSearchGenericClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.opensearch.client.transport.httpclient5.ResponseException;

/**
 * JSON over opensearch-java's generic client: the sink, the index manager and the reference search send
 * their request bodies as JSON text and read answers as Jackson trees, so documents never pass through a
 * second object model. HTTP errors come back as a status (never thrown); connection failures are {@link
 * IOException}s. Thread-safe; close it to release the connection pool.
 */
public final class OpenSearchHttp implements AutoCloseable {
    /** An answer: HTTP status and the parsed body (a missing node when there was none). */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final OpenSearchTransport transport;
    private final OpenSearchGenericClient client;
    private final String url;

    private OpenSearchHttp(OpenSearchTransport transport, String url) {
        this.transport = transport;
        this.client = new OpenSearchGenericClient(transport);
        this.url = url;
    }

    /** Opens a connection pool to {@code endpoint}. */
    public static OpenSearchHttp connect(OpenSearchEndpoint endpoint) {
        try {
            HttpHost host = HttpHost.create(endpoint.url());
            ApacheHttpClient5TransportBuilder builder =
                    ApacheHttpClient5TransportBuilder.builder(host).setMapper(new JacksonJsonpMapper(Json.mapper()));
            if (endpoint.username() != null) {
                BasicCredentialsProvider credentials = new BasicCredentialsProvider();
                credentials.setCredentials(
                        new AuthScope(host),
                        new UsernamePasswordCredentials(
                                endpoint.username(), endpoint.password().toCharArray()));
                builder.setHttpClientConfigCallback(b -> b.setDefaultCredentialsProvider(credentials));
            }
            return new OpenSearchHttp(builder.build(), endpoint.url());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("OpenSearch url '" + endpoint.url() + "': " + e.getMessage(), e);
        }
    }

    /** The base URL, for messages. */
    public String url() {
        return url;
    }

    /** Sends a JSON body (or none when {@code json} is null). */
    public Answer send(String method, String path, String json) throws IOException {
        return send(method, path, Map.of(), json, "application/json");
    }

    /** Sends NDJSON (a bulk or multi-search body). */
    public Answer sendNdjson(String method, String path, String ndjson) throws IOException {
        return send(method, path, Map.of(), ndjson, "application/x-ndjson");
    }

    /** Sends a body with query parameters. */
    public Answer send(String method, String path, Map<String, String> query, String body, String contentType)
            throws IOException {
        var builder = Requests.builder().method(method).endpoint(path).query(query);
        if (body != null) {
            builder.body(Body.from(body.getBytes(StandardCharsets.UTF_8), contentType));
        }
        try (Response response = client.execute(builder.build())) {
            JsonNode parsed = response.getBody()
                    .map(b -> parse(b.bodyAsBytes()))
                    .orElse(Json.mapper().missingNode());
            return new Answer(response.getStatus(), parsed);
        } catch (ResponseException e) {
            // the transport throws for HTTP error statuses; callers want them as answers to classify
            // its message is the request line, a newline, then the answer's body
            String message = String.valueOf(e.getMessage());
            int nl = message.indexOf('\n');
            byte[] bytes = (nl < 0 ? "" : message.substring(nl + 1)).getBytes(StandardCharsets.UTF_8);
            return new Answer(e.status(), parse(bytes));
        }
    }

    private static JsonNode parse(byte[] bytes) {
        if (bytes.length == 0) {
            return Json.mapper().missingNode();
        }
        try {
            return Json.mapper().readTree(bytes);
        } catch (IOException e) {
            // a proxy's HTML error page: keep the text so the caller can report it
            return Json.mapper().getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /** Sends and requires a 2xx answer; anything else is an {@link OpenSearchRequestException}. */
    public JsonNode require(String method, String path, String json, String what) throws IOException {
        Answer a = send(method, path, json);
        if (!a.ok()) {
            throw new OpenSearchRequestException(what, a.status(), a.body().toString());
        }
        return a.body();
    }

    /** Names of the indexes an alias points at (empty when the alias does not exist). */
    public List<String> aliasTargets(String alias) throws IOException {
        Answer a = send("GET", "/_alias/" + alias, null);
        if (a.status() == 404) {
            return List.of();
        }
        if (!a.ok()) {
            throw new OpenSearchRequestException(
                    "read alias " + alias, a.status(), a.body().toString());
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        a.body().fieldNames().forEachRemaining(out::add);
        java.util.Collections.sort(out);
        return List.copyOf(out);
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("closing the OpenSearch client for " + url, e);
        }
    }
}
