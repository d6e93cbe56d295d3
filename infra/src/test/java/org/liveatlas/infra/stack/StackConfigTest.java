package org.liveatlas.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackConfigTest {

    @Test
    void defaultsDescribeTheEmbeddedStackOnLoopback() {
        StackConfig c = StackConfig.defaults();
        Endpoints e = c.endpoints();
        assertThat(e.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(e.s3Endpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(e.openSearchUrl()).isEqualTo("http://127.0.0.1:9200");
        assertThat(e.flinkRestUrl()).isEqualTo("http://127.0.0.1:8081");
        for (ServiceName s : ServiceName.values()) {
            assertThat(c.isExternal(s)).as(s.id()).isFalse();
        }
        assertThat(c.dataDir()).isEqualTo(Path.of(".atlas").toAbsolutePath());
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("atlas.properties");
        Files.writeString(file, "atlas.kafka.port=1111\natlas.s3.port=2222\natlas.opensearch.port=3333\n");
        StackConfig c = StackConfig.load(
                Map.of("atlas.kafka.port", "4444"),
                Map.of("ATLAS_KAFKA_PORT", "5555", "ATLAS_S3_PORT", "6666"),
                Optional.of(file));
        assertThat(c.port(StackKey.KAFKA_PORT)).isEqualTo(4444);
        assertThat(c.port(StackKey.S3_PORT)).isEqualTo(6666);
        assertThat(c.port(StackKey.OPENSEARCH_PORT)).isEqualTo(3333);
        assertThat(c.port(StackKey.FLINK_PORT)).isEqualTo(8081);
    }

    @Test
    void externalEndpointsTurnServicesExternalWithoutCodeChange() {
        StackConfig c = StackConfig.load(
                Map.of(),
                Map.of(
                        "ATLAS_KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2:9092",
                        "ATLAS_S3_ENDPOINT", "https://minio.example.org",
                        "ATLAS_OPENSEARCH_URL", "https://search.example.org/",
                        "ATLAS_FLINK_MODE", "cluster",
                        "ATLAS_FLINK_REST_URL", "http://jobmanager:8081"),
                Optional.empty());
        for (ServiceName s : ServiceName.values()) {
            assertThat(c.isExternal(s)).as(s.id()).isEqualTo(!s.isApp());
        }
        assertThat(c.endpoints().openSearchUrl()).isEqualTo("https://search.example.org");
        assertThat(c.endpoints().kafkaBootstrap()).isEqualTo("kafka-1:9092,kafka-2:9092");
        AtlasStack stack = new AtlasStack(c);
        assertThat(stack.services())
                .filteredOn(s -> !s.name().isApp())
                .hasSize(4)
                .allSatisfy(s -> assertThat(s.external()).isTrue());
        assertThat(stack.services())
                .filteredOn(s -> s.name().isApp())
                .extracting(ServiceController::name)
                .containsExactly(ServiceName.INGEST, ServiceName.TRAINER, ServiceName.QUERY_API);
    }

    @Test
    void rejectsABadPortNamingTheKeyTheValueAndTheEnvironmentVariable() {
        assertThatThrownBy(() -> StackConfig.load(Map.of("atlas.opensearch.port", "92OO"), Map.of(), Optional.empty()))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("atlas.opensearch.port")
                .hasMessageContaining("ATLAS_OPENSEARCH_PORT")
                .hasMessageContaining("'92OO'")
                .hasMessageContaining("TCP port");
    }

    @Test
    void rejectsUnknownKeysListingTheKnownOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("atlas.properties");
        Files.writeString(file, "atlas.kafka.prot=1111\n");
        assertThatThrownBy(() -> StackConfig.load(Map.of(), Map.of(), Optional.of(file)))
                .hasMessageContaining("unknown key 'atlas.kafka.prot'")
                .hasMessageContaining("atlas.kafka.port");
    }

    @Test
    void clusterModeWithoutARestUrlSaysWhichKeyToSet() {
        assertThatThrownBy(() -> StackConfig.load(Map.of("atlas.flink.mode", "cluster"), Map.of(), Optional.empty()))
                .hasMessageContaining("atlas.flink.rest-url")
                .hasMessageContaining("ATLAS_FLINK_REST_URL");
    }

    @Test
    void kafkaServerPropertiesRunOneCombinedKraftNode() {
        String props = KafkaServer.serverProperties("127.0.0.1", 19092, 19093, Path.of("/data/kafka"));
        assertThat(props)
                .contains("process.roles=broker,controller")
                .contains("listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .contains("log.dirs=/data/kafka")
                .contains("offsets.topic.replication.factor=1")
                .contains("auto.create.topics.enable=false");
    }
}
