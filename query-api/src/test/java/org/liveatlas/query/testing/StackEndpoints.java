package org.liveatlas.query.testing;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The endpoints of the test stack the API under test is configured with ({@link AtlasTestResource}),
 * for tests that talk to the servers themselves or start another process against them.
 */
@Singleton
public class StackEndpoints {

    @ConfigProperty(name = "atlas.query.opensearch.url")
    String openSearch;

    @ConfigProperty(name = "atlas.query.s3.endpoint")
    String s3Endpoint;

    @ConfigProperty(name = "atlas.query.s3.access-key")
    String s3AccessKey;

    @ConfigProperty(name = "atlas.query.s3.secret-key")
    String s3SecretKey;

    @ConfigProperty(name = "atlas.query.s3.bucket")
    String bucket;

    @ConfigProperty(name = "atlas.query.kafka.bootstrap")
    String kafkaBootstrap;

    public String openSearch() {
        return openSearch;
    }

    public String s3Endpoint() {
        return s3Endpoint;
    }

    public String s3AccessKey() {
        return s3AccessKey;
    }

    public String s3SecretKey() {
        return s3SecretKey;
    }

    public String bucket() {
        return bucket;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }
}
