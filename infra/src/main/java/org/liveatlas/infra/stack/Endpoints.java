package org.liveatlas.infra.stack;

import java.util.Objects;

/**
 * Where the stack's servers answer: what every app needs to connect, embedded or external.
 *
 * @param kafkaBootstrap Kafka bootstrap servers, e.g. {@code 127.0.0.1:9092}
 * @param s3Endpoint S3 endpoint URL, e.g. {@code http://127.0.0.1:9000}
 * @param s3AccessKey S3 access key
 * @param s3SecretKey S3 secret key
 * @param openSearchUrl OpenSearch base URL, e.g. {@code http://127.0.0.1:9200}
 * @param flinkRestUrl Flink REST base URL of the session cluster, e.g. {@code http://127.0.0.1:8081}
 * @param apiUrl base URL of the query API (the dashboard is at its root), e.g. {@code http://127.0.0.1:8090}
 */
public record Endpoints(
        String kafkaBootstrap,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        String openSearchUrl,
        String flinkRestUrl,
        String apiUrl) {
    public Endpoints {
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        Objects.requireNonNull(s3Endpoint, "s3Endpoint");
        Objects.requireNonNull(s3AccessKey, "s3AccessKey");
        Objects.requireNonNull(s3SecretKey, "s3SecretKey");
        Objects.requireNonNull(openSearchUrl, "openSearchUrl");
        Objects.requireNonNull(flinkRestUrl, "flinkRestUrl");
        Objects.requireNonNull(apiUrl, "apiUrl");
    }

    /** The endpoint of one service, as printed by {@code atlas up} and {@code atlas status}. */
    public String of(ServiceName service) {
        return switch (service) {
            case KAFKA -> kafkaBootstrap;
            case S3 -> s3Endpoint;
            case OPENSEARCH -> openSearchUrl;
            case FLINK -> flinkRestUrl;
            case INGEST -> s3Endpoint + " (deposits/) -> " + kafkaBootstrap;
            case TRAINER -> kafkaBootstrap + " (atlas.study-status) -> " + s3Endpoint + " (models/)";
            case QUERY_API -> apiUrl;
        };
    }

    @Override
    public String toString() {
        // never print the secret key
        return "Endpoints[kafka=" + kafkaBootstrap + ", s3=" + s3Endpoint + ", opensearch=" + openSearchUrl + ", flink="
                + flinkRestUrl + ", api=" + apiUrl + "]";
    }
}
