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
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.trainer.data.LabelledCells;
import org.liveatlas.trainer.data.LabelledStudy;
import org.liveatlas.trainer.data.TrainingDataLoader;
import org.liveatlas.trainer.eval.ClassificationReport;
import org.liveatlas.trainer.eval.Evaluation;
import org.liveatlas.trainer.eval.ModelEvaluator;
import org.liveatlas.trainer.ontology.CellOntology;
import org.liveatlas.trainer.registry.ModelEvents;
import org.liveatlas.trainer.registry.ModelRegistry;
import org.liveatlas.trainer.registry.PublishGate;
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
     * @param heldOutStudies the fixed evaluation studies; empty: the last study by id
     * @param gate the publish rule
     * @param evaluatorThreads threads for search and embedding during evaluation
     */
    public record Settings(
            QcThresholds qc,
            int minStudiesPerGene,
            int minSharedGenes,
            List<String> heldOutStudies,
            PublishGate gate,
            int evaluatorThreads) {
        public Settings {
            Objects.requireNonNull(qc, "qc");
            heldOutStudies = List.copyOf(heldOutStudies);
            Objects.requireNonNull(gate, "gate");
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

    /** A new version name: {@code m} + UTC time to the second. */
    public static String newVersion(Instant now) {
        return "m"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(now);
    }

    /** Runs one training on {@code studies}; {@code workDir} holds checkpoints and downloads. */
    public Outcome run(List<LabelledStudy> studies, TrainingConfig config, Path workDir, TrainingListener listener) {
        List<String> heldOut = settings.heldOutStudies().isEmpty()
                ? List.of(studies.stream()
                        .map(LabelledStudy::studyId)
                        .sorted()
                        .reduce((a, b) -> b)
                        .orElseThrow())
                : settings.heldOutStudies();
        if (heldOut.size() >= studies.size()) {
            throw new IllegalArgumentException("held-out studies " + heldOut + " leave nothing to train on among "
                    + studies.stream().map(LabelledStudy::studyId).toList());
        }
        TrainingDataLoader loader = new TrainingDataLoader(settings.qc(), settings.minSharedGenes(), ontology);
        List<String> genes = TrainingDataLoader.geneOrder(studies, settings.minStudiesPerGene());
        LabelledCells all = loader.load(studies, genes);
        LabelledCells train = all.withoutStudies(heldOut);
        LabelledCells test = all.ofStudies(heldOut);
        MetricTrainer trainer = new MetricTrainer(config, ontology);
        MetricTrainer.Result result = trainer.train(train, workDir.resolve("checkpoints"), listener);
        ModelEvaluator evaluator = ModelEvaluator.defaults(ontology, settings.evaluatorThreads());
        Evaluation candidate = evaluator.evaluate(result.model(), train, test);
        ClassificationReport pca = evaluator.pcaBaseline(train, test, 50);

        Optional<Manifest> currentManifest = registry.current();
        Optional<Evaluation> current = currentManifest.map(m -> {
            ModelFolder model = registry.load(m.version(), workDir.resolve("current-" + m.version()));
            LabelledCells onItsGenes = loader.load(studies, model.geneOrder());
            return evaluator.evaluate(model, onItsGenes.withoutStudies(heldOut), onItsGenes.ofStudies(heldOut));
        });
        PublishGate.Verdict verdict = settings.gate().judge(candidate.metrics(), current.map(Evaluation::metrics));

        Instant now = Instant.now();
        Map<String, Object> params = new LinkedHashMap<>(config.asManifestParameters());
        List<Map<String, String>> used = new ArrayList<>();
        for (LabelledStudy s : studies) {
            used.add(Map.of(
                    "study", s.studyId(),
                    "version", s.version(),
                    "role", heldOut.contains(s.studyId()) ? "held_out" : "train"));
        }
        params.put("studies", used);
        params.put("genes", genes.size());
        params.put("min_studies_per_gene", settings.minStudiesPerGene());
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
        registry.write(result.model(), manifest);
        if (verdict.accepted()) {
            events.publish(
                    ModelEvents.event(manifest, result.model().architecture().latent(), genes.size(), Instant.now()));
        }
        return new Outcome(manifest, candidate, current, pca, verdict);
    }
}
