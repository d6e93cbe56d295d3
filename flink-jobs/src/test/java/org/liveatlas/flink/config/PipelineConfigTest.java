package org.liveatlas.flink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.encoder.DeviceOption;

class PipelineConfigTest {
    private static final Map<String, String> ENV = Map.of("ATLAS_S3_ACCESS_KEY", "ak", "ATLAS_S3_SECRET_KEY", "sk");

    @Test
    void defaultsPointAtTheEmbeddedStackWithSecretsFromTheEnvironment() {
        PipelineConfig c = PipelineConfig.from(PipelineConfig.parseArgs(new String[0]), ENV);
        assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(c.depositsTopic()).isEqualTo("atlas.deposits");
        assertThat(c.s3().bucket()).isEqualTo("atlas");
        assertThat(c.s3().accessKey()).isEqualTo("ak");
        assertThat(c.device()).isEqualTo(DeviceOption.CPU);
        assertThat(c.flinkMode()).isEqualTo(FlinkMode.EMBEDDED);
        assertThat(c.toString()).doesNotContain("sk");
    }

    @Test
    void parsesTypedOptionsFromArguments() {
        PipelineConfig c = PipelineConfig.from(
                PipelineConfig.parseArgs(new String[] {
                    "--atlas.model.device", "gpu", "--atlas.model.batch-size=256", "--atlas.flink.mode", "cluster"
                }),
                ENV);
        assertThat(c.device()).isEqualTo(DeviceOption.GPU);
        assertThat(c.embedBatchSize()).isEqualTo(256);
        assertThat(c.flinkMode()).isEqualTo(FlinkMode.CLUSTER);
    }

    @Test
    void rejectsUnknownOptionsAndBadValuesNamingTheKey() {
        assertThatThrownBy(() -> PipelineConfig.parseArgs(new String[] {"--atlas.modle.dir", "x"}))
                .hasMessageContaining("unknown option --atlas.modle.dir");
        assertThatThrownBy(() -> PipelineConfig.from(
                        PipelineConfig.parseArgs(new String[] {"--atlas.model.device", "tpu"}), ENV))
                .hasMessageContaining("atlas.model.device 'tpu' is not one of [cpu, gpu, auto]");
        assertThatThrownBy(() -> PipelineConfig.from(
                        PipelineConfig.parseArgs(new String[] {"--atlas.model.batch-size", "0"}), ENV))
                .hasMessageContaining("atlas.model.batch-size must be >= 1, got 0");
        assertThatThrownBy(() -> PipelineConfig.from(
                        PipelineConfig.parseArgs(new String[] {"--atlas.model.dir", "/does/not/exist"}), ENV))
                .hasMessageContaining("atlas.model.dir '/does/not/exist' is not a folder");
    }

    @Test
    void theOldIndexIsRetainedForAnIsoDurationOneDayByDefault() {
        assertThat(PipelineConfig.from(PipelineConfig.parseArgs(new String[0]), ENV)
                        .reindexRetain())
                .isEqualTo(java.time.Duration.ofHours(24));
        assertThat(PipelineConfig.from(PipelineConfig.parseArgs(new String[] {"--atlas.reindex.retain", "P7D"}), ENV)
                        .reindexRetain())
                .isEqualTo(java.time.Duration.ofDays(7));
        assertThatThrownBy(() -> PipelineConfig.from(
                        PipelineConfig.parseArgs(new String[] {"--atlas.reindex.retain", "24h"}), ENV))
                .hasMessageContaining("atlas.reindex.retain '24h' is not an ISO-8601 duration");
        assertThatThrownBy(() -> PipelineConfig.from(
                        PipelineConfig.parseArgs(new String[] {"--atlas.reindex.retain", "-PT1H"}), ENV))
                .hasMessageContaining("atlas.reindex.retain must not be negative");
    }

    @Test
    void missingS3CredentialsNameTheEnvironmentVariables() {
        assertThatThrownBy(() -> PipelineConfig.from(PipelineConfig.parseArgs(new String[0]), Map.of()))
                .hasMessageContaining("ATLAS_S3_ACCESS_KEY");
    }
}
