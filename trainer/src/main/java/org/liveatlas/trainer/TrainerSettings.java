package org.liveatlas.trainer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.qc.QcThresholds;
import org.liveatlas.schemas.topics.Topics;
import org.liveatlas.trainer.mining.NegativeSelection;
import org.liveatlas.trainer.registry.PublishGate;
import org.liveatlas.trainer.train.TrainingConfig;

/**
 * The trainer's validated configuration, read from system properties, then environment variables
 * ({@code atlas.trainer.epochs} is {@code ATLAS_TRAINER_EPOCHS}), then the defaults listed in {@link
 * #KEYS}. Endpoint keys are the same as the other services'.
 */
public record TrainerSettings(
        String kafkaBootstrap,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        String s3Region,
        String bucket,
        String modelsTopic,
        String statusTopic,
        Path workDir,
        String ontology,
        Duration interval,
        long minNewCells,
        TrainingConfig training,
        TrainingRun.Settings run) {

    /** Every key with its default and meaning. */
    public static final Map<String, String[]> KEYS = keys();

    private static Map<String, String[]> keys() {
        Map<String, String[]> k = new LinkedHashMap<>();
        k.put("atlas.kafka.bootstrap", new String[] {"127.0.0.1:9092", "Kafka bootstrap servers"});
        k.put("atlas.s3.endpoint", new String[] {"http://127.0.0.1:9000", "S3 endpoint URL"});
        k.put("atlas.s3.access-key", new String[] {"atlas", "S3 access key (from the environment in production)"});
        k.put(
                "atlas.s3.secret-key",
                new String[] {"atlas-local-secret", "S3 secret key (from the environment; the stack's local default)"});
        k.put("atlas.s3.region", new String[] {"us-east-1", "S3 region"});
        k.put("atlas.s3.bucket", new String[] {"atlas", "bucket holding deposits/ and models/"});
        k.put("atlas.trainer.work-dir", new String[] {"", "checkpoints and downloads; empty: <atlas.data-dir>/trainer"
        });
        k.put("atlas.data-dir", new String[] {".atlas", "the stack's data folder (ATLAS_DATA_DIR, set by ./atlas)"});
        k.put("atlas.trainer.ontology", new String[] {
            "bundled",
            "Cell Ontology for negative exclusion: bundled (the committed cl-pbmc.obo extract), an OBO file, or none"
        });
        k.put("atlas.trainer.interval", new String[] {"24h", "retrain at least this often (s, m, h, d)"});
        k.put("atlas.trainer.min-new-cells", new String[] {"50000", "retrain after this many new labelled cells"});
        k.put("atlas.trainer.held-out", new String[] {
            "", "comma-separated evaluation studies; empty: the current model's, else the last by id it has not seen"
        });
        k.put("atlas.trainer.gate-tolerance", new String[] {"0.01", "allowed drop in accuracy and macro-F1"});
        k.put("atlas.trainer.qc", new String[] {"scimilarity", "training cell filter: scimilarity or permissive"});
        k.put("atlas.trainer.min-studies-per-gene", new String[] {"1", "studies that must list a gene"});
        k.put(
                "atlas.trainer.gene-sources",
                new String[] {"labelled", "studies counted for min-studies-per-gene: labelled or all (deposits)"});
        k.put(
                "atlas.trainer.eval-split",
                new String[] {"auto", "auto (studies when >= 2 labelled studies, else cells), studies or cells"});
        k.put("atlas.trainer.held-out-fraction", new String[] {"0.2", "cells split: fraction of each label held out"});
        k.put("atlas.trainer.validate-every", new String[] {"5", "held-out accuracy in the epoch log every N epochs"});
        k.put("atlas.trainer.vote-k", new String[] {"50", "neighbours of the evaluation's k-NN vote"});
        k.put(
                "atlas.trainer.unknown-threshold",
                new String[] {"", "min_dist above which a cell is unknown; empty: calibrated on held-out cells"});
        k.put("atlas.trainer.gene-mask", new String[] {"0", "fraction of input genes zeroed per training cell"});
        k.put("atlas.trainer.gene-panels", new String[] {
            "0",
            "share of each batch re-expressed over a gene panel (deposits' gene lists, random ranked panels); 0: off"
        });
        k.put("atlas.trainer.min-shared-genes", new String[] {"5000", "the core's shared-gene rejection"});
        k.put("atlas.trainer.hidden", new String[] {"1024,1024,1024", "hidden layer widths"});
        k.put("atlas.trainer.latent", new String[] {"128", "embedding width"});
        k.put("atlas.trainer.epochs", new String[] {"500", "epochs (cosine schedule length)"});
        k.put("atlas.trainer.batch-size", new String[] {"1000", "cells per batch"});
        k.put("atlas.trainer.batches-per-epoch", new String[] {"0", "0: cells / batch size"});
        k.put("atlas.trainer.lr", new String[] {"0.005", "AdamW learning rate"});
        k.put("atlas.trainer.triplet-weight", new String[] {"0.001", "w in w*triplet + (1-w)*MSE"});
        k.put(
                "atlas.trainer.negative-selection",
                new String[] {"SEMIHARD", "SEMIHARD, SEMIHARD_NEAREST, HARDEST, RANDOM"});
        k.put("atlas.trainer.cross-study-positives", new String[] {"true", "anchor and positive from different studies"
        });
        k.put("atlas.trainer.seed", new String[] {"0", "random seed"});
        k.put(
                "atlas.trainer.threads",
                new String[] {String.valueOf(Runtime.getRuntime().availableProcessors()), "CPU threads"});
        return k;
    }

    /** From system properties and the environment. */
    public static TrainerSettings fromEnvironment() {
        Map<String, String> props = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        return from(props, System.getenv());
    }

    /** From {@code properties}, then {@code env}, then the defaults; every bad value is reported at once. */
    public static TrainerSettings from(Map<String, String> properties, Map<String, String> env) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : KEYS.entrySet()) {
            String value = properties.get(e.getKey());
            if (value == null) {
                value = env.get(e.getKey().toUpperCase(java.util.Locale.ROOT).replaceAll("[.-]", "_"));
            }
            v.put(e.getKey(), value == null ? e.getValue()[0] : value.trim());
        }
        List<String> errors = new ArrayList<>();
        try {
            List<Integer> hidden = Arrays.stream(v.get("atlas.trainer.hidden").split(","))
                    .map(String::trim)
                    .map(Integer::parseInt)
                    .toList();
            int threads = Integer.parseInt(v.get("atlas.trainer.threads"));
            TrainingConfig training = TrainingConfig.scimilarity()
                    .withArchitecture(hidden, Integer.parseInt(v.get("atlas.trainer.latent")))
                    .withEpochs(Integer.parseInt(v.get("atlas.trainer.epochs")))
                    .withBatches(
                            Integer.parseInt(v.get("atlas.trainer.batch-size")),
                            Integer.parseInt(v.get("atlas.trainer.batches-per-epoch")))
                    .withLearningRate(Double.parseDouble(v.get("atlas.trainer.lr")))
                    .withTripletWeight(Double.parseDouble(v.get("atlas.trainer.triplet-weight")))
                    .withNegativeSelection(NegativeSelection.valueOf(
                            v.get("atlas.trainer.negative-selection").toUpperCase(java.util.Locale.ROOT)))
                    .withCrossStudyPositives(Boolean.parseBoolean(v.get("atlas.trainer.cross-study-positives")))
                    .withSeed(Long.parseLong(v.get("atlas.trainer.seed")))
                    .withGeneMask(Double.parseDouble(v.get("atlas.trainer.gene-mask")))
                    .withGenePanelShare(Double.parseDouble(v.get("atlas.trainer.gene-panels")))
                    .withThreads(threads);
            QcThresholds qc =
                    switch (v.get("atlas.trainer.qc").toLowerCase(java.util.Locale.ROOT)) {
                        case "scimilarity" -> QcThresholds.SCIMILARITY_TRAINING;
                        case "permissive" -> QcThresholds.PERMISSIVE;
                        default -> throw new IllegalArgumentException(
                                "atlas.trainer.qc must be scimilarity or permissive, got " + v.get("atlas.trainer.qc"));
                    };
            String heldOut = v.get("atlas.trainer.held-out");
            TrainingRun.Settings run = new TrainingRun.Settings(
                    qc,
                    Integer.parseInt(v.get("atlas.trainer.min-studies-per-gene")),
                    Integer.parseInt(v.get("atlas.trainer.min-shared-genes")),
                    heldOut.isBlank()
                            ? List.of()
                            : Arrays.stream(heldOut.split(","))
                                    .map(String::trim)
                                    .toList(),
                    new PublishGate(Double.parseDouble(v.get("atlas.trainer.gate-tolerance"))),
                    threads,
                    switch (v.get("atlas.trainer.gene-sources").toLowerCase(java.util.Locale.ROOT)) {
                        case "labelled" -> GeneSources.LABELLED;
                        case "all" -> GeneSources.ALL_DEPOSITS;
                        default -> throw new IllegalArgumentException(
                                "atlas.trainer.gene-sources must be labelled or all, got "
                                        + v.get("atlas.trainer.gene-sources"));
                    },
                    switch (v.get("atlas.trainer.eval-split").toLowerCase(java.util.Locale.ROOT)) {
                        case "auto" -> EvaluationSplit.AUTO;
                        case "studies" -> EvaluationSplit.STUDIES;
                        case "cells" -> EvaluationSplit.CELLS;
                        default -> throw new IllegalArgumentException(
                                "atlas.trainer.eval-split must be auto, studies or cells, got "
                                        + v.get("atlas.trainer.eval-split"));
                    },
                    Double.parseDouble(v.get("atlas.trainer.held-out-fraction")),
                    Integer.parseInt(v.get("atlas.trainer.validate-every")),
                    Integer.parseInt(v.get("atlas.trainer.vote-k")),
                    v.get("atlas.trainer.unknown-threshold").isBlank()
                            ? Double.NaN
                            : Double.parseDouble(v.get("atlas.trainer.unknown-threshold")));
            String onto = v.get("atlas.trainer.ontology");
            return new TrainerSettings(
                    v.get("atlas.kafka.bootstrap"),
                    v.get("atlas.s3.endpoint"),
                    v.get("atlas.s3.access-key"),
                    v.get("atlas.s3.secret-key"),
                    v.get("atlas.s3.region"),
                    v.get("atlas.s3.bucket"),
                    Topics.MODELS.name(),
                    Topics.STUDY_STATUS.name(),
                    v.get("atlas.trainer.work-dir").isBlank()
                            ? Path.of(v.get("atlas.data-dir")).resolve("trainer")
                            : Path.of(v.get("atlas.trainer.work-dir")),
                    onto.isBlank() ? "none" : onto,
                    parseDuration(v.get("atlas.trainer.interval")),
                    Long.parseLong(v.get("atlas.trainer.min-new-cells")),
                    training,
                    run);
        } catch (RuntimeException e) {
            errors.add(e.getMessage());
        }
        throw new AtlasException("invalid trainer configuration: " + String.join("; ", errors)
                + " (keys and defaults: trainer/README.md)");
    }

    /**
     * The ontology {@code atlas.trainer.ontology} names: the committed extract ({@code bundled}, the
     * default, also the annotation vote's), an OBO file, or none (label equality).
     */
    public CellOntology loadOntology() {
        return switch (ontology) {
            case "bundled" -> CellOntology.bundled();
            case "none" -> CellOntology.none();
            default -> CellOntology.read(Path.of(ontology));
        };
    }

    static Duration parseDuration(String s) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)\\s*(s|m|h|d)").matcher(s.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("duration '" + s + "' must look like 30s, 15m, 24h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** These settings with other topics (tests give each class its own). */
    public TrainerSettings withTopics(String models, String status) {
        return new TrainerSettings(
                kafkaBootstrap,
                s3Endpoint,
                s3AccessKey,
                s3SecretKey,
                s3Region,
                bucket,
                models,
                status,
                workDir,
                ontology,
                interval,
                minNewCells,
                training,
                run);
    }
}
