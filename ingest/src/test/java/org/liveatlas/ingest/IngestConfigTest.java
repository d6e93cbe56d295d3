package org.liveatlas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.AtlasException;

class IngestConfigTest {
    @Test
    void defaultsPointAtTheEmbeddedStack() {
        IngestConfig c = IngestConfig.from(Map.of(), Map.of());
        assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(c.s3Endpoint().toString()).isEqualTo("http://127.0.0.1:9000");
        assertThat(c.bucket()).isEqualTo("atlas");
        assertThat(c.depositsTopic()).isEqualTo("atlas.deposits");
        assertThat(c.trigger()).isEqualTo(TriggerMode.SCANNER);
        assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.maxFileBytes()).isEqualTo(50L << 30);
        assertThat(c.maxStudyJsonBytes()).isEqualTo(1L << 20);
    }

    @Test
    void propertiesWinOverEnvironmentWhichWinsOverDefaults() {
        IngestConfig c = IngestConfig.from(
                Map.of("atlas.s3.bucket", "from-props"),
                Map.of(
                        "ATLAS_S3_BUCKET",
                        "from-env",
                        "ATLAS_INGEST_SCAN_INTERVAL",
                        "250ms",
                        "ATLAS_INGEST_TRIGGER",
                        "both"));
        assertThat(c.bucket()).isEqualTo("from-props");
        assertThat(c.scanInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.trigger()).isEqualTo(TriggerMode.BOTH);
    }

    @Test
    void reportsEveryBadValueWithItsKeyAtOnce() {
        assertThatThrownBy(() -> IngestConfig.from(
                        Map.of("atlas.ingest.scan-interval", "soon", "atlas.ingest.max-file-size", "big"), Map.of()))
                .isInstanceOf(AtlasException.class)
                .hasMessageContaining("atlas.ingest.scan-interval")
                .hasMessageContaining("'soon'")
                .hasMessageContaining("atlas.ingest.max-file-size")
                .hasMessageContaining("ATLAS_INGEST_MAX_FILE_SIZE");
    }

    @Test
    void rejectsInvalidBucketNamesAndInconsistentLimits() {
        assertThatThrownBy(() -> IngestConfig.from(Map.of("atlas.s3.bucket", "B"), Map.of()))
                .hasMessageContaining("'B'");
        assertThatThrownBy(() -> IngestConfig.from(Map.of("atlas.ingest.max-deposit-size", "1KiB"), Map.of()))
                .hasMessageContaining("atlas.ingest.max-deposit-size");
        assertThatThrownBy(() -> IngestConfig.from(Map.of("atlas.s3.endpoint", "ftp://x"), Map.of()))
                .hasMessageContaining("http");
        assertThatThrownBy(() -> IngestConfig.from(Map.of("atlas.ingest.trigger", "poll"), Map.of()))
                .hasMessageContaining("'poll'")
                .hasMessageContaining("scanner, notifications or both");
    }

    @Test
    void parsesSizesAndDurationsInTheirDocumentedForms() {
        assertThat(IngestConfig.parseSize("512KiB")).isEqualTo(512L * 1024);
        assertThat(IngestConfig.parseSize("1048576")).isEqualTo(1048576L);
        assertThat(IngestConfig.parseDuration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(IngestConfig.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void neverPrintsTheSecretKey() {
        IngestConfig c = IngestConfig.from(Map.of("atlas.s3.secret-key", "hunter2-very-secret"), Map.of());
        assertThat(c.toString()).doesNotContain("hunter2");
    }

    @Test
    void everyKeyHasAnEnvironmentName() {
        assertThat(ConfigKey.S3_ENDPOINT.envName()).isEqualTo("ATLAS_S3_ENDPOINT");
        assertThat(ConfigKey.TOPIC_STATUS.envName()).isEqualTo("ATLAS_TOPICS_STUDY_STATUS");
    }
}
