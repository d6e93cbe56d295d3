package org.liveatlas.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.trainer.loss.TripletDistance;
import org.liveatlas.trainer.mining.NegativeSelection;

class TrainerSettingsTest {

    @Test
    void defaultsAreScimilaritysTrainingSettings() {
        TrainerSettings s = TrainerSettings.from(Map.of(), Map.of());
        assertThat(s.training().hidden()).containsExactly(1024, 1024, 1024);
        assertThat(s.training().latent()).isEqualTo(128);
        assertThat(s.training().learningRate()).isEqualTo(5e-3);
        assertThat(s.training().weightDecay()).isEqualTo(0.01);
        assertThat(s.training().l1()).isEqualTo(1e-4);
        assertThat(s.training().tripletWeight()).isEqualTo(0.001);
        assertThat(s.training().margin()).isEqualTo(0.05);
        assertThat(s.training().batchSize()).isEqualTo(1000);
        assertThat(s.training().negativeSelection()).isEqualTo(NegativeSelection.SEMIHARD);
        assertThat(s.training().tripletDistance()).isEqualTo(TripletDistance.EUCLIDEAN);
        assertThat(s.training().crossStudyPositives()).isTrue();
        assertThat(s.run().qc()).isEqualTo(QcThresholds.SCIMILARITY_TRAINING);
        assertThat(s.modelsTopic()).isEqualTo("atlas.models");
        assertThat(s.interval()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void propertiesWinOverTheEnvironment() {
        TrainerSettings s = TrainerSettings.from(
                Map.of("atlas.trainer.hidden", "64,32", "atlas.trainer.held-out", "s1, s2"),
                Map.of("ATLAS_TRAINER_HIDDEN", "8", "ATLAS_TRAINER_EPOCHS", "7", "ATLAS_TRAINER_QC", "permissive"));
        assertThat(s.training().hidden()).containsExactly(64, 32);
        assertThat(s.training().epochs()).isEqualTo(7);
        assertThat(s.run().qc()).isEqualTo(QcThresholds.PERMISSIVE);
        assertThat(s.run().heldOutStudies()).isEqualTo(List.of("s1", "s2"));
    }

    @Test
    void rejectsABadValueNamingIt() {
        assertThatThrownBy(() -> TrainerSettings.from(Map.of("atlas.trainer.interval", "soon"), Map.of()))
                .isInstanceOf(AtlasException.class)
                .hasMessageContaining("soon")
                .hasMessageContaining("24h");
        assertThatThrownBy(() -> TrainerSettings.from(Map.of("atlas.trainer.qc", "strict"), Map.of()))
                .isInstanceOf(AtlasException.class)
                .hasMessageContaining("scimilarity or permissive");
    }
}
