package org.liveatlas.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void definesTheFivePlatformTopicsWithUniqueNames() {
        assertThat(Topics.all())
                .extracting(TopicSpec::name)
                .containsExactly(
                        "atlas.deposits", "atlas.deposits.dlq", "atlas.study-status", "atlas.models", "atlas.s3-events")
                .doesNotHaveDuplicates();
    }

    @Test
    void statusAndModelsAreCompactedAndTheDepositLedgerIsKeptForever() {
        assertThat(Topics.STUDY_STATUS.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.MODELS.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.DEPOSITS.configs())
                .containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", "-1");
        assertThat(Topics.DEPOSITS_DLQ.configs()).containsEntry("retention.ms", Long.toString(30L * 24 * 3600 * 1000));
        assertThat(Topics.S3_EVENTS.valueContract()).isEqualTo(Optional.empty());
    }

    @Test
    void renamingKeepsEverythingElse() {
        TopicSpec renamed = Topics.DEPOSITS.withName("test-deposits-1");
        assertThat(renamed.name()).isEqualTo("test-deposits-1");
        assertThat(renamed.withName("atlas.deposits")).isEqualTo(Topics.DEPOSITS);
    }

    @Test
    void rejectsIllegalNamesAndPartitionCounts() {
        assertThatThrownBy(() -> Topics.DEPOSITS.withName("bad name")).hasMessageContaining("bad name");
        assertThatThrownBy(() -> new TopicSpec("t", "k", 0, CleanupPolicy.DELETE, Optional.empty(), Optional.empty()))
                .hasMessageContaining("partitions");
    }
}
