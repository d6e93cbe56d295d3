package org.liveatlas.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.flink.config.PipelineOptions;

class JobRecoveryTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private Configuration configure(String jobName) {
        Configuration options = new Configuration();
        options.set(PipelineOptions.CHECKPOINTS_DIR, dir.toString());
        return JobRecovery.configure(options, jobName, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private Path checkpoint(String run, int n, Instant written, boolean complete) throws Exception {
        Path chk = Files.createDirectories(
                dir.resolve("IndexStudyJob").resolve(run).resolve("chk-" + n));
        if (complete) {
            Path metadata = Files.writeString(chk.resolve("_metadata"), "m");
            Files.setLastModifiedTime(metadata, FileTime.from(written));
        }
        return chk;
    }

    @Test
    void withoutACheckpointsFolderNothingIsSet() {
        assertThat(JobRecovery.configure(new Configuration(), "IndexStudyJob", System.out)
                        .toMap())
                .isEmpty();
    }

    @Test
    void aFirstSubmissionRetainsItsCheckpointsInItsOwnFolderAndRestoresNothing() {
        Configuration conf = configure("IndexStudyJob");

        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(dir.resolve("IndexStudyJob").toUri().toString());
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("no retained checkpoint");
    }

    @Test
    void aNewSubmissionResumesFromTheNewestCompleteCheckpointAndDropsOlderRuns() throws Exception {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        Path oldRun = checkpoint("aaaa", 7, t, true);
        Path newest = checkpoint("bbbb", 3, t.plusSeconds(60), true);
        checkpoint("bbbb", 4, t.plusSeconds(120), false); // killed while writing: no _metadata
        checkpoint("cccc", 1, t.plusSeconds(180), false); // a run that died before its first checkpoint

        Configuration conf = configure("IndexStudyJob");

        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_PATH))
                .isEqualTo(newest.toUri().toString());
        assertThat(conf.get(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE))
                .isTrue();
        assertThat(newest).exists();
        assertThat(oldRun.getParent()).doesNotExist();
        assertThat(dir.resolve("IndexStudyJob").resolve("cccc")).doesNotExist();
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("IndexStudyJob: resuming from checkpoint " + newest)
                .contains("removed 2 older run folder(s)");
    }

    @Test
    void eachJobHasItsOwnFolder() throws Exception {
        checkpoint("aaaa", 1, Instant.now(), true);

        Configuration conf = configure("ReindexJob");

        assertThat(conf.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).endsWith("/ReindexJob/");
    }

    @Test
    void aRemoteCheckpointStoreIsRefusedWithTheFlinkKeysToUseInstead() {
        Configuration options = new Configuration();
        options.set(PipelineOptions.CHECKPOINTS_DIR, "s3://bucket/checkpoints");

        assertThatThrownBy(() -> JobRecovery.configure(options, "IndexStudyJob", System.out))
                .hasMessageContaining("atlas.flink.checkpoints-dir = s3://bucket/checkpoints")
                .hasMessageContaining("execution.state-recovery.path");
    }
}
