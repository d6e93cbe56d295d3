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

    @Test
    void demoSettingsParseFromTheEnvironmentAndTheWorkDirFollowsTheStacksDataDir() {
        TrainerSettings s = TrainerSettings.from(
                Map.of(),
                Map.of(
                        "ATLAS_DATA_DIR", "/data/atlas",
                        "ATLAS_TRAINER_GENE_SOURCES", "all",
                        "ATLAS_TRAINER_MIN_STUDIES_PER_GENE", "2",
                        "ATLAS_TRAINER_EVAL_SPLIT", "cells",
                        "ATLAS_TRAINER_HELD_OUT_FRACTION", "0.25",
                        "ATLAS_TRAINER_VALIDATE_EVERY", "3",
                        "ATLAS_TRAINER_VOTE_K", "10",
                        "ATLAS_TRAINER_GENE_MASK", "0.3",
                        "ATLAS_TRAINER_UNKNOWN_THRESHOLD", "0.02"));
        assertThat(s.workDir()).isEqualTo(java.nio.file.Path.of("/data/atlas/trainer"));
        assertThat(s.run().geneSources()).isEqualTo(GeneSources.ALL_DEPOSITS);
        assertThat(s.run().minStudiesPerGene()).isEqualTo(2);
        assertThat(s.run().split()).isEqualTo(EvaluationSplit.CELLS);
        assertThat(s.run().heldOutFraction()).isEqualTo(0.25);
        assertThat(s.run().validateEvery()).isEqualTo(3);
        assertThat(s.run().voteK()).isEqualTo(10);
        assertThat(s.training().geneMask()).isEqualTo(0.3);
        assertThat(s.run().unknownThreshold()).isEqualTo(0.02);
        assertThat(TrainerSettings.from(Map.of(), Map.of()).run().unknownThreshold())
                .isNaN();
        assertThat(TrainerSettings.from(Map.of(), Map.of()).run().split()).isEqualTo(EvaluationSplit.AUTO);
        assertThat(TrainerSettings.from(Map.of("atlas.trainer.work-dir", "w"), Map.of("ATLAS_DATA_DIR", "/d"))
                        .workDir())
                .isEqualTo(java.nio.file.Path.of("w"));
    }

    @Test
    void rejectsUnknownSplitsAndGeneSourcesAndMasksOutOfRange() {
        assertThatThrownBy(() -> TrainerSettings.from(Map.of("atlas.trainer.eval-split", "random"), Map.of()))
                .isInstanceOf(AtlasException.class)
                .hasMessageContaining("auto, studies or cells");
        assertThatThrownBy(() -> TrainerSettings.from(Map.of("atlas.trainer.gene-sources", "some"), Map.of()))
                .isInstanceOf(AtlasException.class)
                .hasMessageContaining("labelled or all");
        assertThatThrownBy(() -> TrainerSettings.from(Map.of("atlas.trainer.gene-mask", "1"), Map.of()))
                .isInstanceOf(AtlasException.class)
                .hasMessageContaining("geneMask");
    }

    @Test
    void commandLineFlagsNameSettingsAndUnknownOnesAreUsageErrors() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream o = new java.io.PrintStream(out, true);
        java.io.PrintStream e = new java.io.PrintStream(err, true);
        assertThat(TrainerMain.run(
                        new String[] {"train", "--gene-mask", "0.2", "--bogus", "1"}, Map.of(), Map.of(), o, e))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown option --bogus");
        assertThat(TrainerMain.run(new String[] {"train", "--epochs"}, Map.of(), Map.of(), o, e))
                .isEqualTo(2);
        assertThat(TrainerMain.run(new String[] {"export"}, Map.of(), Map.of(), o, e))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--out DIR is required");
        assertThat(TrainerMain.run(new String[] {"train", "--eval-split", "sideways"}, Map.of(), Map.of(), o, e))
                .isEqualTo(1);
        assertThat(err.toString()).contains("auto, studies or cells");
        assertThat(TrainerMain.run(new String[] {"--help"}, Map.of(), Map.of(), o, e))
                .isZero();
        assertThat(out.toString()).contains("--gene-mask 0.2").contains("atlas train serve");
    }
}
