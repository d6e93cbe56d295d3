package org.liveatlas.schemas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ObjectLayoutTest {
    @Test
    void placesDepositsQuarantineAndModelsUnderTheirPrefixes() {
        assertThat(ObjectLayout.depositPrefix("s1")).isEqualTo("deposits/s1/");
        assertThat(ObjectLayout.studyJsonKey("s1")).isEqualTo("deposits/s1/study.json");
        assertThat(ObjectLayout.quarantinePrefix("s1")).isEqualTo("quarantine/s1/");
        assertThat(ObjectLayout.reasonKey("s1")).isEqualTo("quarantine/s1/reason.json");
        assertThat(ObjectLayout.modelPrefix("m-2026.1")).isEqualTo("models/m-2026.1/");
    }

    @Test
    void refusesUnsafeStudyIdsAndModelVersions() {
        assertThatThrownBy(() -> ObjectLayout.depositPrefix("../x")).hasMessageContaining("traversal");
        assertThatThrownBy(() -> ObjectLayout.modelPrefix("..")).hasMessageContaining("model version '..'");
    }

    @Test
    void splitsDepositKeysIntoStudyFolderAndRelativeKey() {
        assertThat(ObjectLayout.parseDepositKey("deposits/s1/ctrl/matrix.mtx.gz"))
                .contains(new ObjectLayout.DepositKey("s1", "ctrl/matrix.mtx.gz"));
        assertThat(ObjectLayout.parseDepositKey("deposits/s1/")).contains(new ObjectLayout.DepositKey("s1", ""));
        assertThat(ObjectLayout.parseDepositKey("deposits/loose-file")).isEmpty();
        assertThat(ObjectLayout.parseDepositKey("models/m1/manifest.json")).isEmpty();
    }
}
