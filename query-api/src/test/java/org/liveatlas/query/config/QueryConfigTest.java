package org.liveatlas.query.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryConfigTest {

    static QueryConfig config(Map<String, String> env, Map<String, String> properties) {
        // default interceptors (expression expansion) as Quarkus installs them
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withSources(new SysPropConfigSource()) // java.io.tmpdir; not the real environment
                .withMapping(QueryConfig.class)
                .withSources(new EnvConfigSource(env, 300))
                .withSources(new PropertiesConfigSource(properties, "test", 400))
                .build();
        return c.getConfigMapping(QueryConfig.class);
    }

    @Test
    void withoutSettingsTheEndpointsAreThoseOfTheEmbeddedStack() {
        QueryConfig c = config(Map.of(), Map.of());
        assertThat(c.opensearch().url()).isEqualTo("http://127.0.0.1:9200");
        assertThat(c.s3().endpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(c.s3().bucket()).isEqualTo("atlas");
        assertThat(c.kafka().bootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(c.flink().restUrl()).isEqualTo("http://127.0.0.1:8081");
        assertThat(c.dataDir()).isEqualTo(Path.of(".atlas"));
        assertThat(c.models().source()).isEqualTo(ModelSource.STORE);
        assertThat(c.expression().maxCells()).isEqualTo(20_000);
    }

    @Test
    void thePlatformVariablesOverrideTheDefaults() {
        QueryConfig c = config(
                Map.of(
                        "ATLAS_OPENSEARCH_URL", "http://os:9201",
                        "ATLAS_S3_ENDPOINT", "http://s3:9001",
                        "ATLAS_S3_BUCKET", "lab",
                        "ATLAS_KAFKA_BOOTSTRAP", "k1:9093,k2:9093",
                        "ATLAS_FLINK_REST_URL", "http://flink:8082",
                        "ATLAS_DATA_DIR", "/srv/atlas",
                        "ATLAS_API_EXPRESSION_MAX_CELLS", "5000"),
                Map.of());
        assertThat(c.opensearch().url()).isEqualTo("http://os:9201");
        assertThat(c.s3().endpoint()).isEqualTo("http://s3:9001");
        assertThat(c.s3().bucket()).isEqualTo("lab");
        assertThat(c.kafka().bootstrap()).isEqualTo("k1:9093,k2:9093");
        assertThat(c.flink().restUrl()).isEqualTo("http://flink:8082");
        assertThat(c.dataDir()).isEqualTo(Path.of("/srv/atlas"));
        assertThat(c.expression().maxCells()).isEqualTo(5000);
    }

    @Test
    void anExplicitQueryKeyWinsOverThePlatformVariable() {
        QueryConfig c = config(
                Map.of("ATLAS_OPENSEARCH_URL", "http://os:9201", "ATLAS_QUERY_KAFKA_BOOTSTRAP", "mine:9092"),
                Map.of("atlas.query.opensearch.url", "http://pinned:9200"));
        assertThat(c.opensearch().url()).isEqualTo("http://pinned:9200");
        assertThat(c.kafka().bootstrap()).isEqualTo("mine:9092");
    }
}
