package org.liveatlas.trainer.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.trainer.data.LabelledCells;
import org.liveatlas.trainer.data.LabelledStudy;
import org.liveatlas.trainer.data.TrainingDataLoader;
import org.liveatlas.trainer.eval.ClassificationReport;
import org.liveatlas.trainer.eval.Evaluation;
import org.liveatlas.trainer.eval.ModelEvaluator;
import org.liveatlas.trainer.eval.UnknownThreshold;
import org.liveatlas.trainer.mining.NegativeSelection;
import org.liveatlas.trainer.train.EpochLog;
import org.liveatlas.trainer.train.MetricTrainer;
import org.liveatlas.trainer.train.TrainingConfig;
import org.liveatlas.trainer.train.TrainingListener;

/**
 * Command-line experiment on the data README's split (train on {@code pbmc14k_sorted}, optionally
 * plus {@code pbmc_savercat_3tech} split by technology; annotate {@code kang_muscat} against the
 * {@code pbmc14k_sorted} cells): prints accuracy, macro-F1, per-type recall and unknown rates beside
 * the PCA + kNN baseline. Arguments {@code key=value}: data (shared/data), epochs, hidden, latent,
 * tw, neg, mask, k, savercat, mudan, cross, bs, bpe, lr, seed, threads, ontology, genes (shared|all),
 * ood (also annotate the cell-line study and print its unknown rate), evalThreads, panels (gene-panel
 * share), panelStudies (data sets whose gene lists join the panels).
 */
public final class PbmcExperiment {

    private PbmcExperiment() {}

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        Path d = Path.of(a.getOrDefault("data", "../shared/data"));
        boolean savercat = Boolean.parseBoolean(a.getOrDefault("savercat", "false"));
        CellOntology onto =
                a.containsKey("ontology") ? CellOntology.read(Path.of(a.get("ontology"))) : CellOntology.none();
        LabelledStudy ref = new LabelledStudy(
                "pbmc14k_sorted", "local", d.resolve("pbmc14k_sorted/pbmc14k_sorted.h5ad"), "label_coarse", "cl_id");
        LabelledStudy sav = new LabelledStudy(
                "pbmc_savercat_3tech",
                "local",
                d.resolve("pbmc_savercat_3tech/pbmc_savercat_3tech.h5ad"),
                "label_coarse",
                "cl_id",
                "tech");
        LabelledStudy query = new LabelledStudy(
                "kang_muscat", "local", d.resolve("kang_muscat/kang_muscat.h5ad"), "label_coarse", "cl_id");
        // mudan=true: the data README's alternative reference (the same experiment as pbmc14k_sorted,
        // other sorted populations, among them effector "cytotoxic T" cells) joins the reference
        boolean mudan = Boolean.parseBoolean(a.getOrDefault("mudan", "false"));
        LabelledStudy mud = new LabelledStudy(
                "zheng_sorted_mudan",
                "local",
                d.resolve("zheng_sorted_mudan/zheng_sorted_mudan.h5ad"),
                "label_coarse",
                "cl_id");
        List<LabelledStudy> train = new ArrayList<>(List.of(ref));
        if (savercat) {
            train.add(sav);
        }
        if (mudan) {
            train.add(mud);
        }
        List<LabelledStudy> geneSources = new ArrayList<>(mudan ? List.of(ref, mud) : List.of(ref));
        geneSources.add(query);
        List<String> genes = a.getOrDefault("genes", "shared").equals("all")
                ? TrainingDataLoader.geneOrder(train, 1)
                : TrainingDataLoader.geneOrder(geneSources, geneSources.size());
        List<LabelledStudy> all = new ArrayList<>(train);
        all.add(query);
        long t0 = System.nanoTime();
        LabelledCells cells = new TrainingDataLoader(QcThresholds.PERMISSIVE, 0, onto).load(all, genes);
        LabelledCells labelled = cells.withoutStudies(List.of("kang_muscat"));
        LabelledCells training = labelled;
        LabelledCells reference =
                cells.ofStudies(mudan ? List.of("pbmc14k_sorted", "zheng_sorted_mudan") : List.of("pbmc14k_sorted"));
        // demo mode: the single labelled study is split 80/20 within itself (as atlas train does with one
        // study); the unknown threshold is calibrated on its held-out cells and applied to the query
        boolean demo = Boolean.parseBoolean(a.getOrDefault("demo", "false"));
        LabelledCells withinHeld = null;
        if (demo) {
            java.util.Set<String> held = org.liveatlas.trainer.TrainingRun.stratifiedCells(labelled, 0.2, 1);
            withinHeld = labelled.select(i -> held.contains(labelled.cellIds().get(i)));
            LabelledCells rest =
                    labelled.select(i -> !held.contains(labelled.cellIds().get(i)));
            reference = rest;
            training = rest;
        }
        LabelledCells trainingCells = training;
        LabelledCells referenceCells = reference;
        LabelledCells held = cells.ofStudies(List.of("kang_muscat"));
        System.out.printf(
                "loaded %d training cells, %d genes in %.1f s%n",
                training.cells(), genes.size(), (System.nanoTime() - t0) / 1e9);
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        TrainingConfig config = TrainingConfig.scimilarity()
                .withArchitecture(
                        Arrays.stream(a.getOrDefault("hidden", "128,64").split(","))
                                .map(Integer::parseInt)
                                .toList(),
                        Integer.parseInt(a.getOrDefault("latent", "32")))
                .withEpochs(Integer.parseInt(a.getOrDefault("epochs", "40")))
                .withBatches(
                        Integer.parseInt(a.getOrDefault("bs", "500")), Integer.parseInt(a.getOrDefault("bpe", "7")))
                .withLearningRate(Double.parseDouble(a.getOrDefault("lr", "0.005")))
                .withTripletWeight(Double.parseDouble(a.getOrDefault("tw", "0.5")))
                .withCrossStudyPositives(Boolean.parseBoolean(a.getOrDefault("cross", "false")))
                .withNegativeSelection(NegativeSelection.valueOf(a.getOrDefault("neg", "RANDOM")))
                .withGeneMask(Double.parseDouble(a.getOrDefault("mask", "0")))
                .withGenePanelShare(Double.parseDouble(a.getOrDefault("panels", "0")))
                .withSeed(Long.parseLong(a.getOrDefault("seed", "1")))
                .withThreads(threads);
        int k = Integer.parseInt(a.getOrDefault("k", "50"));
        ModelEvaluator evaluator = new ModelEvaluator(
                onto,
                k,
                UnknownThreshold.DEFAULT_QUANTILE,
                2000,
                Integer.parseInt(a.getOrDefault("evalThreads", String.valueOf(threads))));
        int every = Integer.parseInt(a.getOrDefault("every", "0"));
        t0 = System.nanoTime();
        // panelStudies: data sets whose gene lists (only) join the gene-panel augmentation
        Map<String, List<String>> studyPanels = new java.util.LinkedHashMap<>();
        for (String set : a.getOrDefault("panelStudies", "").split(",")) {
            if (!set.isBlank()) {
                studyPanels.put(set, TrainingDataLoader.geneSymbols(d.resolve(set + "/" + set + ".h5ad")));
            }
        }
        MetricTrainer.Result result = new MetricTrainer(
                        config,
                        onto,
                        new org.liveatlas.trainer.train.GenePanels(
                                studyPanels, org.liveatlas.trainer.train.GenePanels.DEFAULT_MIN_FRACTION))
                .train(
                        trainingCells,
                        Path.of(a.getOrDefault("work", "target/pbmc-experiment-" + System.nanoTime())),
                        new TrainingListener() {
                            @Override
                            public void epochDone(EpochLog log) {
                                if (every > 0 && (log.epoch() + 1) % every == 0) {
                                    System.out.println(log.line());
                                }
                            }
                        },
                        every > 0 ? m -> evaluator.quickMetrics(m, referenceCells, held) : null);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        double threshold = Double.NaN;
        if (demo) {
            Evaluation within = evaluator.evaluate(result.model(), reference, withinHeld);
            threshold = within.unknownThreshold();
            System.out.printf(
                    "within-study held-out: acc %.4f f1 %.4f threshold %.4f%n",
                    within.report().accuracy(), within.report().macroF1(), threshold);
        }
        if (a.containsKey("thr")) {
            threshold = Double.parseDouble(a.get("thr"));
        }
        Evaluation e = evaluator.evaluate(result.model(), reference, held, threshold);
        for (String t : a.getOrDefault("thrs", "").split(",")) {
            if (!t.isBlank()) {
                ClassificationReport rt = evaluator
                        .evaluate(result.model(), reference, held, Double.parseDouble(t))
                        .report();
                System.out.printf(
                        "THR %s unknown known %.3f novel %.3f%n", t, rt.unknownRateKnown(), rt.unknownRateNovel());
            }
        }
        if (Boolean.parseBoolean(a.getOrDefault("ood", "false"))) {
            // the out-of-distribution query: cell lines, no PBMC type applies; every cell is novel
            LabelledStudy lines = new LabelledStudy(
                    "cellbench_10x_celllines",
                    "local",
                    d.resolve("cellbench_10x_celllines/cellbench_10x_celllines.h5ad"),
                    "label_coarse",
                    "cl_id");
            LabelledCells ood = new TrainingDataLoader(QcThresholds.PERMISSIVE, 0, onto).load(List.of(lines), genes);
            ClassificationReport ro = evaluator
                    .evaluate(result.model(), reference, ood, e.unknownThreshold())
                    .report();
            System.out.printf(
                    "OOD cellbench %d cells: unknown %.3f at threshold %.3f%n",
                    ro.novel(), ro.unknownRateNovel(), e.unknownThreshold());
        }
        ClassificationReport pca = evaluator.pcaBaseline(reference, held, 50);
        ClassificationReport r = e.report();
        if (k != 50) {
            ModelEvaluator at50 = new ModelEvaluator(onto, 50, UnknownThreshold.DEFAULT_QUANTILE, 2000, threads);
            Evaluation e50 = at50.evaluate(result.model(), reference, held, threshold);
            ClassificationReport p50 = at50.pcaBaseline(reference, held, 50);
            System.out.printf(
                    "AT_K50 acc %.4f f1 %.4f recall %s | unknown known %.3f novel %.3f | pca k50 acc %.4f f1 %.4f%n",
                    e50.report().accuracy(),
                    e50.report().macroF1(),
                    e50.report().recall(),
                    e50.report().unknownRateKnown(),
                    e50.report().unknownRateNovel(),
                    p50.accuracy(),
                    p50.macroF1());
        }
        System.out.printf(
                "RESULT %s | train %.0f s | acc %.4f f1 %.4f | recall %s | unknown known %.3f novel %.3f thr %.3f | pca acc %.4f f1 %.4f recall %s%n",
                String.join(" ", args),
                trainSeconds,
                r.accuracy(),
                r.macroF1(),
                r.recall(),
                r.unknownRateKnown(),
                r.unknownRateNovel(),
                e.unknownThreshold(),
                pca.accuracy(),
                pca.macroF1(),
                pca.recall());
    }
}
