package org.liveatlas.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.trainer.data.LabelledCells;
import org.liveatlas.trainer.data.LabelledStudy;
import org.liveatlas.trainer.data.TrainingDataLoader;
import org.liveatlas.trainer.eval.ClassificationReport;
import org.liveatlas.trainer.eval.Evaluation;
import org.liveatlas.trainer.eval.ModelEvaluator;
import org.liveatlas.trainer.mining.NegativeSelection;

/**
 * The demo atlas's recipe measured leave-studies-out on the full data sets of {@code shared/data}, as
 * the platform's trainer runs it with two labelled studies: the gene order is every gene of the two
 * reference studies ({@code pbmc14k_sorted}, {@code zheng_sorted_mudan}: 9,315), the model trains on
 * {@code pbmc14k_sorted} and holds {@code zheng_sorted_mudan} out, the unknown threshold is the 95th
 * percentile of the held-out study's min_dist, and both studies are the vote's reference. The query
 * studies were never trained on: {@code kang_muscat} (another lab, 1,267 genes, FCGR3A monocytes absent
 * from the reference; only its gene list joins the gene panels, as the demo deposits it unlabelled) and
 * {@code cellbench_10x_celllines} (lung cell lines, none of them a blood type; not deposited). The same
 * recipe without gene panels and PCA + kNN run beside it. The test prints the table of the README's demo
 * section and checks what the recipe reaches today (seeded, one thread, so that a run repeats bit for bit) with some slack; the issue's
 * goals are printed beside it, and where one is not met the table says so.
 */
class LeaveStudiesOutQualityTest {

    @Test
    void demoRecipeOnStudiesItNeverTrainedOn(@TempDir Path work) {
        Optional<Path> data = PbmcTrainingTest.sharedData();
        Assumptions.assumeTrue(data.isPresent(), "shared/data not found (set -Dliveatlas.shared.dir)");
        Path d = data.get();
        CellOntology onto = CellOntology.bundled();
        LabelledStudy pbmc14k = study(d, "pbmc14k_sorted");
        LabelledStudy mudan = study(d, "zheng_sorted_mudan");
        LabelledStudy kang = study(d, "kang_muscat");
        LabelledStudy lines = study(d, "cellbench_10x_celllines");
        List<String> genes = TrainingDataLoader.geneOrder(List.of(pbmc14k, mudan), 1);
        TrainingDataLoader loader = new TrainingDataLoader(QcThresholds.PERMISSIVE, 0, onto);
        LabelledCells all = loader.load(List.of(pbmc14k, mudan, kang, lines), genes);
        LabelledCells train = all.ofStudies(List.of("pbmc14k_sorted"));
        LabelledCells calibration = all.ofStudies(List.of("zheng_sorted_mudan"));
        LabelledCells reference = all.ofStudies(List.of("pbmc14k_sorted", "zheng_sorted_mudan"));
        LabelledCells query = all.ofStudies(List.of("kang_muscat"));
        LabelledCells cellLines = all.ofStudies(List.of("cellbench_10x_celllines"));

        // the demo's settings (DemoAtlas.TRAINING), one thread (PyTorch sums in a fixed order)
        TrainingConfig config = TrainingConfig.scimilarity()
                .withArchitecture(List.of(128, 64), 32)
                .withEpochs(15)
                .withBatches(500, 0)
                .withTripletWeight(0.5)
                .withCrossStudyPositives(false)
                .withNegativeSelection(NegativeSelection.RANDOM)
                .withSeed(7)
                .withThreads(1);
        GenePanels panels = new GenePanels(
                Map.of("kang_example", TrainingDataLoader.geneSymbols(kang.file())), GenePanels.DEFAULT_MIN_FRACTION);
        ModelEvaluator evaluator = ModelEvaluator.defaults(onto, 1);
        Measured withPanels = measure(
                new MetricTrainer(config.withGenePanelShare(0.8), onto, panels),
                train,
                calibration,
                reference,
                query,
                cellLines,
                evaluator,
                work.resolve("panels"));
        Measured without = measure(
                new MetricTrainer(config, onto, GenePanels.random()),
                train,
                calibration,
                reference,
                query,
                cellLines,
                evaluator,
                work.resolve("plain"));
        ClassificationReport pca = evaluator.pcaBaseline(reference, query, 50);

        String cd8 = "CD8-positive, alpha-beta T cell";
        System.out.println("genes " + genes.size() + "; query kang_muscat " + query.cells() + " cells");
        System.out.println("| model | threshold (calibrated on zheng_sorted_mudan) | known accuracy (goal >= 0.90)"
                + " | macro-F1 | CD8 T recall (goal >= 0.5) | known called unknown (goal <= 0.1)"
                + " | FCGR3A monocytes unknown (goal >= 0.8) | cellbench unknown (goal >= 0.9) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Map.Entry<String, Measured> e : Map.of("gene panels 0.8 (the demo)", withPanels, "no gene panels", without)
                .entrySet()) {
            Measured m = e.getValue();
            ClassificationReport r = m.query().report();
            System.out.printf(
                    "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                    e.getKey(),
                    m.query().unknownThreshold(),
                    r.accuracy(),
                    r.macroF1(),
                    r.recall().getOrDefault(cd8, 0.0),
                    r.unknownRateKnown(),
                    r.unknownRateNovel(),
                    m.cellLines().report().unknownRateNovel());
        }
        System.out.printf(
                "| PCA (50) + kNN | none | %.3f | %.3f | %.3f | - | - | - |%n",
                pca.accuracy(), pca.macroF1(), pca.recall().getOrDefault(cd8, 0.0));
        System.out.println(
                "recall with gene panels: " + withPanels.query().report().recall());

        ClassificationReport r = withPanels.query().report();
        assertThat(genes).hasSize(9315);
        assertThat(r.known()).isEqualTo(1307);
        assertThat(r.novel()).isEqualTo(249);
        // the gene panels are what lets the narrow-panel query annotate over the broad gene order
        assertThat(r.accuracy()).isGreaterThan(without.query().report().accuracy() + 0.05);
        assertThat(r.accuracy()).isGreaterThan(pca.accuracy() + 0.05);
        // the threshold comes from the held-out reference study and keeps its rate on another lab's known cells
        assertThat(withPanels.query().unknownThreshold()).isEqualTo(withPanels.calibrated());
        assertThat(r.unknownRateKnown()).isLessThan(0.2);
    }

    /** A model's scores, with the threshold calibrated on the held-out reference study. */
    private record Measured(double calibrated, Evaluation query, Evaluation cellLines) {}

    private static Measured measure(
            MetricTrainer trainer,
            LabelledCells train,
            LabelledCells calibration,
            LabelledCells reference,
            LabelledCells query,
            LabelledCells cellLines,
            ModelEvaluator evaluator,
            Path work) {
        MetricTrainer.Result result = trainer.train(train, work, TrainingListener.silent());
        double threshold =
                evaluator.evaluate(result.model(), train, calibration).unknownThreshold();
        return new Measured(
                threshold,
                evaluator.evaluate(result.model(), reference, query, threshold),
                evaluator.evaluate(result.model(), reference, cellLines, threshold));
    }

    private static LabelledStudy study(Path data, String set) {
        return new LabelledStudy(set, "local", data.resolve(set + "/" + set + ".h5ad"), "label_coarse", "cl_id");
    }
}
