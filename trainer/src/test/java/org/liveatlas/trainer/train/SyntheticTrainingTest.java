package org.liveatlas.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.core.synth.H5adWriter;
import org.liveatlas.core.synth.SynthConfig;
import org.liveatlas.core.synth.SyntheticStudy;
import org.liveatlas.core.synth.SyntheticStudyGenerator;
import org.liveatlas.trainer.data.LabelledCells;
import org.liveatlas.trainer.data.LabelledStudy;
import org.liveatlas.trainer.data.TrainingDataLoader;
import org.liveatlas.trainer.eval.ClassificationReport;
import org.liveatlas.trainer.eval.Evaluation;
import org.liveatlas.trainer.eval.ModelEvaluator;

/** A short training on the core's synthetic studies, evaluated on a held-out study. */
class SyntheticTrainingTest {

    @TempDir
    static Path dir;

    static LabelledCells all;
    static LabelledCells train;
    static LabelledCells heldOut;

    static TrainingConfig config() {
        return TrainingConfig.scimilarity()
                .withArchitecture(List.of(64, 32), 16)
                .withEpochs(60)
                .withTripletWeight(0.5)
                .withBatches(200, 8)
                .withSeed(3)
                .withThreads(1);
    }

    @BeforeAll
    static void studies() {
        // weak markers under strong per-study batch effects: hard for PCA on held-out studies
        SynthConfig cfg = new SynthConfig(
                11,
                4,
                250,
                400,
                6,
                0,
                2,
                1,
                25,
                Math.log(3),
                0.3,
                0.1,
                1.5,
                1.0,
                0.25,
                0.1,
                2000,
                0.5,
                0.05,
                0.4,
                0.3,
                0.5,
                true);
        List<LabelledStudy> studies = new ArrayList<>();
        for (SyntheticStudy s : new SyntheticStudyGenerator(cfg).studies()) {
            Path f = dir.resolve(s.studyId() + ".h5ad");
            H5adWriter.write(f, s);
            studies.add(new LabelledStudy(
                    s.studyId(), "v1", f, SyntheticStudy.CELL_TYPE, SyntheticStudy.CELL_TYPE_ONTOLOGY_ID));
        }
        List<String> genes = TrainingDataLoader.geneOrder(studies, 2);
        all = new TrainingDataLoader(QcThresholds.PERMISSIVE, 0, CellOntology.none()).load(studies, genes);
        heldOut = all.ofStudies(List.of("synth04"));
        train = all.withoutStudies(List.of("synth04"));
    }

    @Test
    void trainingLiftsHeldOutAccuracyAboveTheUntrainedModelAndThePcaBaseline() {
        ModelEvaluator evaluator = ModelEvaluator.defaults(CellOntology.none(), 1);
        MetricTrainer trainer = new MetricTrainer(config(), CellOntology.none());
        MetricTrainer.Result untrained = new MetricTrainer(
                        config().withEpochs(1).withLearningRate(1e-12), CellOntology.none())
                .train(train, dir.resolve("untrained"), TrainingListener.silent());
        MetricTrainer.Result result = trainer.train(train, dir.resolve("run"), new TrainingListener() {
            @Override
            public void epochDone(EpochLog log) {
                System.out.println(log.line());
            }
        });
        Evaluation before = evaluator.evaluate(untrained.model(), train, heldOut);
        Evaluation after = evaluator.evaluate(result.model(), train, heldOut);
        ClassificationReport pca = evaluator.pcaBaseline(train, heldOut, 50);
        System.out.println("untrained: " + before.metrics() + "\ntrained: " + after.metrics() + "\n"
                + after.report().summary() + "pca: " + pca.summary());
        assertThat(after.report().accuracy()).isGreaterThan(before.report().accuracy() + 0.2);
        assertThat(after.report().accuracy()).isGreaterThan(pca.accuracy());
    }
}
