package org.liveatlas.flink.opensearch;

import java.io.Serializable;
import java.net.URI;
import java.util.Objects;

/**
 * Where an OpenSearch cluster answers, and with which credentials; serialisable so that Flink can ship it to
 * every task, which then opens its own {@link OpenSearchHttp}.
 *
 * @param url base URL, e.g. {@code http://127.0.0.1:9200}
 * @param username basic-auth user, or null for none
 * @param password basic-auth password (from the environment, never a file in the repository), or null
 */
public record OpenSearchEndpoint(String url, String username, String password) implements Serializable {
    public OpenSearchEndpoint {
        Objects.requireNonNull(url, "OpenSearch url is required, e.g. http://127.0.0.1:9200");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("OpenSearch url '" + url + "' is not a URI: " + e.getMessage(), e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "OpenSearch url '" + url + "' must be http(s)://host:port, e.g. http://127.0.0.1:9200");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("OpenSearch credentials need both a username and a password");
        }
    }

    /** An endpoint without authentication. */
    public static OpenSearchEndpoint of(String url) {
        return new OpenSearchEndpoint(url, null, null);
    }

    @Override
    public String toString() {
        return "OpenSearchEndpoint[" + url + (username == null ? "" : ", user " + username) + "]";
    }
}
