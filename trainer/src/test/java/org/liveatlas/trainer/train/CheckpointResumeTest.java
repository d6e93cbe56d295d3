package org.liveatlas.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.model.Tensor;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.trainer.data.LabelledCells;
import org.liveatlas.trainer.data.LabelledStudy;
import org.liveatlas.trainer.data.TrainingDataLoader;

class CheckpointResumeTest {

    @Test
    void aRunResumedAfterACrashEndsWithTheWeightsOfAnUninterruptedRun(@TempDir Path dir) {
        List<LabelledStudy> studies = new ArrayList<>();
        for (SyntheticStudy s : new SyntheticStudyGenerator(SynthConfig.defaults(2, 2, 120, 100)).studies()) {
            Path f = dir.resolve(s.studyId() + ".h5ad");
            H5adWriter.write(f, s);
            studies.add(new LabelledStudy(s.studyId(), "v1", f, SyntheticStudy.CELL_TYPE, null));
        }
        LabelledCells cells = new TrainingDataLoader(QcThresholds.PERMISSIVE, 0, CellOntology.none())
                .load(studies, TrainingDataLoader.geneOrder(studies, 1));
        TrainingConfig config = TrainingConfig.scimilarity()
                .withArchitecture(List.of(16), 8)
                .withEpochs(3)
                .withBatches(100, 2)
                .withSeed(5)
                .withThreads(1);
        MetricTrainer trainer = new MetricTrainer(config, CellOntology.none());
        MetricTrainer.Result straight = trainer.train(cells, dir.resolve("straight"), TrainingListener.silent());

        Path work = dir.resolve("crashing");
        assertThatThrownBy(() -> trainer.train(cells, work, new TrainingListener() {
                    @Override
                    public void epochDone(EpochLog log) {
                        if (log.epoch() == 1) {
                            throw new IllegalStateException("simulated crash after epoch 1");
                        }
                    }
                }))
                .hasMessageContaining("simulated crash");
        List<Integer> resumedAt = new ArrayList<>();
        MetricTrainer.Result resumed = trainer.train(cells, work, new TrainingListener() {
            @Override
            public void resumed(int nextEpoch) {
                resumedAt.add(nextEpoch);
            }
        });
        assertThat(resumedAt).containsExactly(2);
        assertThat(resumed.history()).hasSize(3);
        for (var e : straight.model().encoder().tensors().entrySet()) {
            Tensor t = resumed.model().encoder().tensors().get(e.getKey());
            if (t.dtype() == Tensor.DType.F32) {
                assertThat(t.toFloatArray())
                        .as(e.getKey())
                        .containsExactly(e.getValue().toFloatArray());
            }
        }
    }
}
