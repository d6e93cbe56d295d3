package org.liveatlas.trainer;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.trainer.data.LabelledCells;
import org.liveatlas.trainer.data.LabelledStudy;
import org.liveatlas.trainer.data.TrainingDataLoader;
import org.liveatlas.trainer.eval.ClassificationReport;
import org.liveatlas.trainer.eval.Evaluation;
import org.liveatlas.trainer.eval.ModelEvaluator;
import org.liveatlas.trainer.eval.UnknownThreshold;
import org.liveatlas.trainer.registry.ModelEvents;
import org.liveatlas.trainer.registry.ModelRegistry;
import org.liveatlas.trainer.registry.PublishGate;
import org.liveatlas.trainer.train.GenePanels;
import org.liveatlas.trainer.train.MetricTrainer;
import org.liveatlas.trainer.train.TrainingConfig;
import org.liveatlas.trainer.train.TrainingListener;

/**
 * One training end to end: gene order, data, leave-studies-out split, training, evaluation of the
 * candidate and of the current model on the same held-out studies, the gate, the registry write
 * (manifest last, status published or rejected) and, when accepted, the {@code ModelPublished} event.
 */
public final class TrainingRun {

    /**
     * Settings of a run beside the hyperparameters.
     *
     * @param qc training cell filter
     * @param minStudiesPerGene a gene enters the gene order when listed by at least this many studies
     * @param minSharedGenes the core's alignment rejection threshold
     * @param heldOutStudies the fixed evaluation studies; empty: the current model's, else the last by id
     *     it has not seen, else the last by id
     * @param gate the publish rule
     * @param evaluatorThreads threads for search and embedding during evaluation
     * @param geneSources which studies count towards {@code minStudiesPerGene}
     * @param split how evaluation cells are set aside
     * @param heldOutFraction with {@link EvaluationSplit#CELLS}: the fraction of each label's cells held out
     * @param validateEvery held-out accuracy in the epoch log after every this many epochs (0 = only at
     *     the end of the run, in the evaluation)
     * @param voteK neighbours of the k-NN vote in the evaluation (SCimilarity's 50)
     * @param unknownThreshold the model's unknown threshold on min_dist; NaN: calibrated on the held-out
     *     known cells ({@link UnknownThreshold}). A cells-within-study split calibrates on cells of the
     *     reference's own batch, far closer to it than another study's cells, so a single-study atlas
     *     (the demo) sets one.
     */
    public record Settings(
            QcThresholds qc,
            int minStudiesPerGene,
            int minSharedGenes,
            List<String> heldOutStudies,
            PublishGate gate,
            int evaluatorThreads,
            GeneSources geneSources,
            EvaluationSplit split,
            double heldOutFraction,
            int validateEvery,
            int voteK,
            double unknownThreshold) {
        public Settings {
            if (!Double.isNaN(unknownThreshold) && !(unknownThreshold > 0 && unknownThreshold <= 2)) {
                throw new IllegalArgumentException(
                        "unknown threshold must be a cosine distance in (0, 2], got " + unknownThreshold);
            }
            Objects.requireNonNull(qc, "qc");
            heldOutStudies = List.copyOf(heldOutStudies);
            Objects.requireNonNull(gate, "gate");
            Objects.requireNonNull(geneSources, "geneSources");
            Objects.requireNonNull(split, "split");
            if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
                throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + heldOutFraction);
            }
            if (validateEvery < 0 || voteK < 1 || minStudiesPerGene < 1) {
                throw new IllegalArgumentException("need validateEvery >= 0, voteK >= 1, minStudiesPerGene >= 1; got "
                        + validateEvery + ", " + voteK + ", " + minStudiesPerGene);
            }
        }

        /** Leave-studies-out with the labelled studies as gene sources, no per-epoch validation, k = 50. */
        public Settings(
                QcThresholds qc,
                int minStudiesPerGene,
                int minSharedGenes,
                List<String> heldOutStudies,
                PublishGate gate,
                int evaluatorThreads) {
            this(
                    qc,
                    minStudiesPerGene,
                    minSharedGenes,
                    heldOutStudies,
                    gate,
                    evaluatorThreads,
                    GeneSources.LABELLED,
                    EvaluationSplit.AUTO,
                    0.2,
                    0,
                    50,
                    Double.NaN);
        }

        /** These settings with another list of held-out studies. */
        public Settings withHeldOutStudies(List<String> studies) {
            return new Settings(
                    qc,
                    minStudiesPerGene,
                    minSharedGenes,
                    studies,
                    gate,
                    evaluatorThreads,
                    geneSources,
                    split,
                    heldOutFraction,
                    validateEvery,
                    voteK,
                    unknownThreshold);
        }
    }

    /** What a run produced. */
    public record Outcome(
            Manifest manifest,
            Evaluation candidate,
            Optional<Evaluation> current,
            ClassificationReport pcaBaseline,
            PublishGate.Verdict verdict) {}

    private final Settings settings;
    private final CellOntology ontology;
    private final ModelRegistry registry;
    private final ModelEvents events;

    public TrainingRun(Settings settings, CellOntology ontology, ModelRegistry registry, ModelEvents events) {
        this.settings = settings;
        this.ontology = ontology;
        this.registry = registry;
        this.events = events;
    }

    /**
     * A seeded, label-stratified {@code heldOutFraction} of the cells (by id): per label, the first
     * {@code round(fraction * n)} cells of a seeded shuffle, at least one when the label has two or more
     * cells and never all of them.
     */
    java.util.Set<String> stratifiedCells(LabelledCells cells, long seed) {
        return stratifiedCells(cells, settings.heldOutFraction(), seed);
    }

    /** The cells-within-study split: see {@link #stratifiedCells(LabelledCells, long)}. */
    public static java.util.Set<String> stratifiedCells(LabelledCells cells, double heldOutFraction, long seed) {
        Map<Integer, List<Integer>> byLabel = new java.util.TreeMap<>();
        for (int i = 0; i < cells.cells(); i++) {
            byLabel.computeIfAbsent(cells.label(i), l -> new ArrayList<>()).add(i);
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Map.Entry<Integer, List<Integer>> e : byLabel.entrySet()) {
            List<Integer> rows = new ArrayList<>(e.getValue());
            java.util.Collections.shuffle(rows, new java.util.Random(seed * 31 + e.getKey()));
            int n = rows.size();
            int take = (int) Math.round(heldOutFraction * n);
            take = Math.min(n - 1, Math.max(n >= 2 ? 1 : 0, take));
            for (int i = 0; i < take; i++) {
                out.add(cells.cellIds().get(rows.get(i)));
            }
        }
        return out;
    }

    private static LabelledCells sample(LabelledCells cells, int max, long seed) {
        if (cells.cells() <= max) {
            return cells;
        }
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < cells.cells(); i++) {
            rows.add(i);
        }
        java.util.Collections.shuffle(rows, new java.util.Random(seed));
        java.util.Set<Integer> keep = new java.util.HashSet<>(rows.subList(0, max));
        return cells.select(keep::contains);
    }

    /** A new version name: {@code m} + UTC time to the second. */
    public static String newVersion(Instant now) {
        return "m"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(now);
    }

    /** Runs one training on {@code studies}; {@code workDir} holds checkpoints and downloads. */
    public Outcome run(List<LabelledStudy> studies, TrainingConfig config, Path workDir, TrainingListener listener) {
        return run(studies, List.of(), config, workDir, listener, System.out::println);
    }

    /**
     * Runs one training on {@code studies}.
     *
     * @param unlabelled files of unlabelled deposits: they count towards the gene order when the
     *     settings' gene sources are {@link GeneSources#ALL_DEPOSITS}, and are never trained on
     * @param workDir holds checkpoints and downloads
     * @param log one-line notes for the operator (the split chosen, the gene order)
     */
    public Outcome run(
            List<LabelledStudy> studies,
            List<Path> unlabelled,
            TrainingConfig config,
            Path workDir,
            TrainingListener listener,
            java.util.function.Consumer<String> log) {
        if (studies.isEmpty()) {
            throw new IllegalArgumentException("no labelled study to train on");
        }
        EvaluationSplit split = settings.split() == EvaluationSplit.AUTO
                ? (studies.size() >= 2 ? EvaluationSplit.STUDIES : EvaluationSplit.CELLS)
                : settings.split();
        Optional<Manifest> currentManifest = registry.current();
        List<String> studyIds = studies.stream().map(LabelledStudy::studyId).toList();
        // the studies the current model has seen (a model trained on a study's cells but a held-out fifth
        // has seen most of that study: under a leave-studies-out split it counts as seen; under the cells
        // split the same held-out cells are drawn again)
        List<String> seen = currentManifest
                .map(m -> trainedOn(m, split == EvaluationSplit.STUDIES))
                .orElse(List.of());
        List<String> heldOut = List.of();
        if (split == EvaluationSplit.STUDIES) {
            // the evaluation set stays fixed across retrainings: the current model's held-out studies, as
            // long as they are all still labelled deposits and leave something to train on
            List<String> previous =
                    currentManifest.map(TrainingRun::heldOutStudies).orElse(List.of());
            boolean keepPrevious =
                    !previous.isEmpty() && studyIds.containsAll(previous) && previous.size() < studies.size();
            // otherwise the last study by id among those the current model has not seen (so that it can
            // be compared), else the last by id
            List<String> unseen =
                    studyIds.stream().filter(id -> !seen.contains(id)).toList();
            heldOut = !settings.heldOutStudies().isEmpty()
                    ? settings.heldOutStudies()
                    : keepPrevious
                            ? previous
                            : List.of((unseen.isEmpty() ? studyIds : unseen)
                                    .stream().sorted().reduce((a, b) -> b).orElseThrow());
            if (settings.heldOutStudies().isEmpty() && keepPrevious) {
                log.accept("held out " + previous + " as for the current model "
                        + currentManifest.get().version() + " (the fixed evaluation set)");
            }
            if (heldOut.size() >= studies.size()) {
                throw new IllegalArgumentException("held-out studies " + heldOut + " leave nothing to train on among "
                        + studyIds
                        + "; deposit another labelled study or use the cells-within-study evaluation split");
            }
        }
        TrainingDataLoader loader = new TrainingDataLoader(settings.qc(), settings.minSharedGenes(), ontology);
        List<Path> geneFiles =
                new ArrayList<>(studies.stream().map(LabelledStudy::file).toList());
        if (settings.geneSources() == GeneSources.ALL_DEPOSITS) {
            geneFiles.addAll(unlabelled);
        }
        List<String> genes = TrainingDataLoader.geneOrderOfFiles(geneFiles, settings.minStudiesPerGene());
        log.accept("gene order: " + genes.size() + " genes listed by at least " + settings.minStudiesPerGene()
                + " of " + geneFiles.size() + " studies ("
                + (settings.geneSources() == GeneSources.ALL_DEPOSITS ? "labelled and unlabelled deposits" : "labelled")
                + ")");
        LabelledCells all = loader.load(studies, genes);
        java.util.Set<String> heldOutCells =
                split == EvaluationSplit.STUDIES ? java.util.Set.of() : stratifiedCells(all, config.seed());
        List<String> heldOutStudies = heldOut;
        java.util.function.Function<LabelledCells, LabelledCells> trainSide = split == EvaluationSplit.STUDIES
                ? c -> c.withoutStudies(heldOutStudies)
                : c -> c.select(i -> !heldOutCells.contains(c.cellIds().get(i)));
        java.util.function.Function<LabelledCells, LabelledCells> testSide = split == EvaluationSplit.STUDIES
                ? c -> c.ofStudies(heldOutStudies)
                : c -> c.select(i -> heldOutCells.contains(c.cellIds().get(i)));
        LabelledCells train = trainSide.apply(all);
        LabelledCells test = testSide.apply(all);
        log.accept(
                split == EvaluationSplit.STUDIES
                        ? "evaluation split: studies (leave-studies-out), held out " + heldOut + ": " + test.cells()
                                + " cells; training on " + train.cells() + " cells"
                        : "evaluation split: cells-within-study (" + studies.size() + " labelled stud"
                                + (studies.size() == 1 ? "y" : "ies") + "), a seeded label-stratified "
                                + settings.heldOutFraction() + " of the cells held out: " + test.cells()
                                + " cells; training on " + train.cells()
                                + " cells (optimistic: same batch on both sides)");
        ModelEvaluator evaluator = new ModelEvaluator(
                ontology, settings.voteK(), UnknownThreshold.DEFAULT_QUANTILE, 2000, settings.evaluatorThreads());
        MetricTrainer trainer = new MetricTrainer(config, ontology, genePanels(config, studies, unlabelled));
        MetricTrainer.Result result;
        if (settings.validateEvery() > 0) {
            // a bounded sample keeps the per-epoch check cheap on a large atlas
            LabelledCells valRef = sample(train, 20_000, config.seed());
            LabelledCells valTest = sample(test, 5_000, config.seed());
            result = trainer.train(
                    train,
                    workDir.resolve("checkpoints"),
                    listener,
                    m -> evaluator.quickMetrics(m, valRef, valTest),
                    settings.validateEvery());
        } else {
            result = trainer.train(train, workDir.resolve("checkpoints"), listener);
        }
        Evaluation candidate = evaluator.evaluate(result.model(), train, test, settings.unknownThreshold());
        ClassificationReport pca = evaluator.pcaBaseline(train, test, 50);

        // the current model is compared only where it has not seen the cells: held-out studies it was
        // trained on are left out of the comparison (both models then score on the rest)
        List<String> comparable = split == EvaluationSplit.STUDIES
                ? heldOut.stream().filter(id -> !seen.contains(id)).toList()
                : studyIds.stream().filter(id -> !seen.contains(id)).toList();
        Optional<Evaluation> current = Optional.empty();
        PublishGate.Verdict verdict;
        if (currentManifest.isPresent() && comparable.isEmpty()) {
            Manifest m = currentManifest.get();
            verdict = new PublishGate.Verdict(
                    false,
                    "the current model " + m.version() + " was trained on "
                            + (split == EvaluationSplit.STUDIES ? "every held-out study " + heldOut : "the cells")
                            + ", so the two cannot be compared; "
                            + (heldOutStudies(m).isEmpty()
                                    ? "hold out a labelled study it was not trained on (it was trained on " + seen + ")"
                                    : "hold out the studies it was evaluated on (" + String.join(",", heldOutStudies(m))
                                            + ")")
                            + " with --held-out, or leave --held-out unset");
        } else {
            int evaluated = split == EvaluationSplit.STUDIES ? heldOut.size() : studyIds.size();
            LabelledCells gateTest = comparable.size() == evaluated ? test : test.ofStudies(comparable);
            Evaluation candidateAtGate = gateTest == test
                    ? candidate
                    : evaluator.evaluate(result.model(), train, gateTest, settings.unknownThreshold());
            if (gateTest != test && currentManifest.isPresent()) {
                log.accept("the current model " + currentManifest.get().version() + " was trained on "
                        + seen.stream().filter(studyIds::contains).toList()
                        + "; the gate compares both models on the held-out cells of " + comparable + " only");
            }
            current = currentManifest.map(m -> {
                ModelFolder model = registry.load(m.version(), workDir.resolve("current-" + m.version()));
                LabelledCells onItsGenes = loader.load(studies, model.geneOrder());
                LabelledCells itsTest = testSide.apply(onItsGenes);
                return evaluator.evaluate(
                        model, trainSide.apply(onItsGenes), gateTest == test ? itsTest : itsTest.ofStudies(comparable));
            });
            verdict = settings.gate().judge(candidateAtGate.metrics(), current.map(Evaluation::metrics));
        }

        Instant now = Instant.now();
        Map<String, Object> params = new LinkedHashMap<>(config.asManifestParameters());
        List<Map<String, String>> used = new ArrayList<>();
        for (LabelledStudy s : studies) {
            used.add(Map.of(
                    "study",
                    s.studyId(),
                    "version",
                    s.version(),
                    "role",
                    split == EvaluationSplit.CELLS
                            ? "train_and_held_out_cells"
                            : heldOut.contains(s.studyId()) ? "held_out" : "train"));
        }
        params.put("studies", used);
        params.put("genes", genes.size());
        params.put("min_studies_per_gene", settings.minStudiesPerGene());
        params.put("gene_sources", settings.geneSources().name());
        params.put("gene_source_studies", geneFiles.size());
        Map<String, Object> evaluation = new LinkedHashMap<>();
        evaluation.put("split", split.manifestName());
        if (split == EvaluationSplit.STUDIES) {
            evaluation.put("held_out_studies", heldOut);
        } else {
            evaluation.put("held_out_fraction", settings.heldOutFraction());
            evaluation.put("stratified_by", "label");
            evaluation.put("seed", config.seed());
        }
        evaluation.put("held_out_cells", test.cells());
        evaluation.put("training_cells", train.cells());
        evaluation.put("k", settings.voteK());
        evaluation.put(
                "unknown_threshold",
                Double.isNaN(settings.unknownThreshold())
                        ? "calibrated: the " + UnknownThreshold.DEFAULT_QUANTILE
                                + " quantile of the held-out known cells' min_dist to the training cells ("
                                + (split == EvaluationSplit.STUDIES
                                        ? "leave-studies-out: studies " + heldOut + ", never trained on"
                                        : "cells-within-study: the training studies' own batch, optimistic")
                                + "); unknown_rate_known and unknown_rate_novel in the metrics are its rates there"
                        : "configured");
        params.put("evaluation", evaluation);
        params.put(
                "qc",
                Map.of(
                        "min_genes", settings.qc().minGenes(),
                        "min_counts", settings.qc().minCounts(),
                        "max_mito_fraction", settings.qc().maxMitoFraction()));
        params.put("gate", Map.of("tolerance", settings.gate().tolerance(), "verdict", verdict.reason()));
        Map<String, Double> metrics = new LinkedHashMap<>(candidate.metrics());
        metrics.put("pca_knn_accuracy", pca.accuracy());
        metrics.put("pca_knn_macro_f1", pca.macroF1());
        current.ifPresent(c -> c.metrics().forEach((k, v) -> metrics.put("current_" + k, v)));
        Manifest manifest = new Manifest(
                Manifest.FORMAT_VERSION,
                newVersion(now),
                currentManifest.map(Manifest::version).orElse(null),
                now,
                params,
                metrics,
                Double.isNaN(candidate.unknownThreshold()) ? null : candidate.unknownThreshold(),
                verdict.accepted() ? ModelStatus.PUBLISHED : ModelStatus.REJECTED,
                null);
        log.accept("writing model " + manifest.version() + " (" + manifest.status() + ") to the registry");
        registry.write(result.model(), manifest);
        if (verdict.accepted()) {
            events.publish(
                    ModelEvents.event(manifest, result.model().architecture().latent(), genes.size(), Instant.now()));
        }
        return new Outcome(manifest, candidate, current, pca, verdict);
    }

    /**
     * The gene panels of {@link TrainingConfig#genePanelShare}: every deposit's gene list (labelled and
     * unlabelled; only the list is read), keyed by study id or file name.
     */
    private static GenePanels genePanels(TrainingConfig config, List<LabelledStudy> studies, List<Path> unlabelled) {
        if (config.genePanelShare() <= 0) {
            return GenePanels.random();
        }
        Map<String, List<String>> panels = new LinkedHashMap<>();
        for (LabelledStudy s : studies) {
            panels.put(s.studyId(), TrainingDataLoader.geneSymbols(s.file()));
        }
        for (Path p : unlabelled) {
            panels.put(p.getFileName().toString(), TrainingDataLoader.geneSymbols(p));
        }
        return new GenePanels(panels, GenePanels.DEFAULT_MIN_FRACTION);
    }

    /** The studies a model's manifest says were held out from its training (leave-studies-out). */
    static List<String> heldOutStudies(Manifest m) {
        if (m.trainingParameters().get("evaluation") instanceof Map<?, ?> e
                && e.get("held_out_studies") instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    /**
     * The studies a model's manifest says it was trained on: all of their cells ({@code train}), and
     * with {@code withinStudy} also those it trained on but a held-out share of ({@code
     * train_and_held_out_cells}).
     */
    static List<String> trainedOn(Manifest m, boolean withinStudy) {
        List<String> out = new ArrayList<>();
        if (m.trainingParameters().get("studies") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> s
                        && ("train".equals(s.get("role"))
                                || (withinStudy && "train_and_held_out_cells".equals(s.get("role"))))) {
                    out.add(String.valueOf(s.get("study")));
                }
            }
        }
        return out;
    }
}
