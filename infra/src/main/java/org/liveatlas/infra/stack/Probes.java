package org.liveatlas.infra.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.MinioClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/** Health checks that ask each server over its own protocol. */
final class Probes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Probes() {}

    static HealthProbe kafka(String bootstrap) {
        return () -> {
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000,
                    AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1000,
                    AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2000,
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500))) {
                DescribeClusterResult cluster = admin.describeCluster();
                int brokers = cluster.nodes().get(5, TimeUnit.SECONDS).size();
                return brokers + " broker(s), cluster " + cluster.clusterId().get(5, TimeUnit.SECONDS);
            }
        };
    }

    static HealthProbe s3(String endpoint, String accessKey, String secretKey) {
        return () -> {
            try (MinioClient s3 = MinioClient.builder()
                    .endpoint(endpoint)
                    .credentials(accessKey, secretKey)
                    .build()) {
                s3.setTimeout(2000, 2000, 2000);
                return s3.listBuckets().size() + " bucket(s)";
            }
        };
    }

    static HealthProbe openSearch(String url) {
        return () -> {
            JsonNode health = getJson(url + "/_cluster/health");
            String status = health.path("status").asText("unknown");
            if ("red".equals(status) || "unknown".equals(status)) {
                throw new IllegalStateException("cluster status " + status);
            }
            return "cluster " + health.path("cluster_name").asText() + " " + status + ", "
                    + health.path("number_of_nodes").asInt() + " node(s)";
        };
    }

    static HealthProbe flink(String restUrl) {
        return () -> {
            JsonNode overview = getJson(restUrl + "/overview");
            int taskManagers = overview.path("taskmanagers").asInt(0);
            if (taskManagers < 1) {
                throw new IllegalStateException("no task manager registered yet");
            }
            return taskManagers + " task manager(s), "
                    + overview.path("slots-total").asInt() + " slot(s), "
                    + overview.path("jobs-running").asInt() + " job(s) running";
        };
    }

    /**
     * The query API's readiness ({@code GET /q/health/ready}): 200 is ready; 503 with a health document
     * means it serves but lacks data (no model or no cells index yet), reported in the detail; anything
     * else, or no answer, is unhealthy.
     */
    static HealthProbe queryApi(String apiUrl) {
        return () -> {
            String url = apiUrl + "/q/health/ready";
            HttpResponse<String> r = get(url);
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (Exception e) {
                throw new IllegalStateException("GET " + url + " answered HTTP " + r.statusCode() + " without JSON");
            }
            StringBuilder data = new StringBuilder();
            for (JsonNode check : body.path("checks")) {
                check.path("data").fields().forEachRemaining(f -> {
                    if (data.length() > 0) {
                        data.append(", ");
                    }
                    data.append(f.getKey()).append(' ').append(f.getValue().asText());
                });
            }
            if (r.statusCode() == 200) {
                return "ready (" + data + ")";
            }
            if (r.statusCode() == 503 && body.has("checks")) {
                if (data.indexOf("opensearch unreachable") >= 0) {
                    throw new IllegalStateException("the API cannot reach OpenSearch (" + data + ")");
                }
                return "serving, not ready yet (" + data + ")";
            }
            throw new IllegalStateException("GET " + url + " answered HTTP " + r.statusCode());
        };
    }

    static JsonNode getJson(String url) throws Exception {
        HttpResponse<String> r = get(url);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    /** {@code GET url} with the probes' 3 s timeout. */
    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(3))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
