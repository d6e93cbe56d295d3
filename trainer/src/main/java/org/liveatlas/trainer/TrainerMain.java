package org.liveatlas.trainer;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.trainer.data.DepositedStudies;
import org.liveatlas.trainer.data.LabelledStudy;
import org.liveatlas.trainer.data.TrainingDataLoader;
import org.liveatlas.trainer.export.ScimilarityExport;
import org.liveatlas.trainer.registry.ModelAnnouncement;
import org.liveatlas.trainer.registry.ModelEvents;
import org.liveatlas.trainer.registry.ModelRegistry;
import org.liveatlas.trainer.service.TrainingTrigger;
import org.liveatlas.trainer.train.EpochLog;
import org.liveatlas.trainer.train.TrainingConfig;
import org.liveatlas.trainer.train.TrainingListener;

/**
 * {@code atlas train [--studies A,B] [--epochs N] [--held-out C]}: one training by hand with the
 * publish gate; {@code atlas train serve}: the periodic service (interval or new labelled cells, one
 * training at a time, guarded by a lock file in the working directory).
 */
public final class TrainerMain {

    private TrainerMain() {}

    static final String USAGE = "usage: atlas train [--studies A,B] [--epochs N] [--held-out C] [--export DIR]"
            + " [--<setting> VALUE ...] | atlas train serve | atlas train export --model VERSION --out DIR"
            + " (settings: every atlas.trainer.* key without its prefix, e.g. --gene-mask 0.2"
            + " --min-studies-per-gene 2 --gene-sources all --eval-split cells; see trainer/README.md)";

    public static void main(String[] args) {
        Map<String, String> props = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        System.exit(run(args, props, System.getenv(), System.out, System.err));
    }

    /**
     * Runs the command with settings from {@code properties}, then {@code env}, then defaults; a
     * command-line flag {@code --x VALUE} overrides the key {@code atlas.trainer.x}. Returns the exit
     * code: 0 published (or served, exported), 3 rejected by the gate, 2 usage error, 1 failure.
     */
    public static int run(
            String[] args, Map<String, String> properties, Map<String, String> env, PrintStream out, PrintStream err) {
        try {
            List<String> a = new ArrayList<>(Arrays.asList(args));
            if (!a.isEmpty() && a.get(0).equals("train")) {
                a.remove(0);
            }
            String command = "train";
            if (!a.isEmpty() && (a.get(0).equals("serve") || a.get(0).equals("export"))) {
                command = a.remove(0);
            }
            Map<String, String> merged = new LinkedHashMap<>(properties);
            List<String> studies = List.of();
            Path export = null;
            String model = null;
            for (int i = 0; i < a.size(); i++) {
                String flag = a.get(i);
                if (flag.equals("-h") || flag.equals("--help")) {
                    out.println(USAGE);
                    return 0;
                }
                if (!flag.startsWith("--") || i + 1 >= a.size()) {
                    err.println("atlas train: " + flag + " needs a value; " + USAGE);
                    return 2;
                }
                String value = a.get(++i);
                switch (flag) {
                    case "--studies" -> studies = Arrays.stream(value.split(","))
                            .map(String::trim)
                            .filter(x -> !x.isEmpty())
                            .toList();
                    case "--export", "--out" -> export = Path.of(value);
                    case "--model" -> model = value;
                    default -> {
                        String key = "atlas.trainer." + flag.substring(2);
                        if (!TrainerSettings.KEYS.containsKey(key)) {
                            err.println("atlas train: unknown option " + flag + "; " + USAGE);
                            return 2;
                        }
                        merged.put(key, value);
                    }
                }
            }
            TrainerSettings settings = TrainerSettings.from(merged, env);
            switch (command) {
                case "serve" -> {
                    serve(settings, out);
                    return 0;
                }
                case "export" -> {
                    if (export == null) {
                        err.println("atlas train export: --out DIR is required; " + USAGE);
                        return 2;
                    }
                    exportModel(settings, model, export, out);
                    return 0;
                }
                default -> {
                    TrainingRun.Outcome o = trainOnce(settings, settings.training(), studies, out);
                    if (export != null) {
                        exportModel(settings, o.manifest().version(), export, out);
                    }
                    return o.verdict().accepted() ? 0 : 3;
                }
            }
        } catch (AtlasException | IllegalArgumentException e) {
            err.println("atlas train: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Writes registry model {@code version} (the current one when null) as a folder SCimilarity's
     * Python package loads ({@link ScimilarityExport}).
     */
    static void exportModel(TrainerSettings s, String version, Path dir, PrintStream out) {
        ModelRegistry registry = new ModelRegistry(minio(s), s.bucket());
        String v = version != null
                ? version
                : registry.current()
                        .map(Manifest::version)
                        .orElseThrow(() -> new AtlasException("no model is published in bucket " + s.bucket()
                                + "; train one first or name a version with --model"));
        ModelFolder m = registry.load(v, s.workDir().resolve("export-" + v));
        ScimilarityExport.write(m, dir);
        out.println("exported model " + v + " to " + dir + " (SCimilarity layout: encoder.ckpt, decoder.ckpt,"
                + " gene_order.tsv, layer_sizes.json, label_ints.csv)");
    }

    /** One training with the gate; holds the work-dir lock while it runs. */
    public static TrainingRun.Outcome trainOnce(
            TrainerSettings s, TrainingConfig config, List<String> studyIds, PrintStream out) {
        try {
            Files.createDirectories(s.workDir());
        } catch (java.io.IOException e) {
            throw new AtlasException(
                    s.workDir() + ": cannot create the trainer's working directory: " + e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(
                        s.workDir().resolve("trainer.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock();
                ModelEvents events = new ModelEvents(s.kafkaBootstrap(), s.modelsTopic(), "atlas-trainer")) {
            if (lock == null) {
                throw new AtlasException("another training holds " + s.workDir().resolve("trainer.lock")
                        + "; at most one training runs at a time, wait for it to finish");
            }
            MinioClient client = minio(s);
            DepositedStudies deposits = new DepositedStudies(client, s.bucket());
            List<LabelledStudy> studies = new ArrayList<>();
            List<Path> unlabelled = new ArrayList<>();
            // unlabelled deposits count towards the gene order (gene-sources all) and lend their gene lists to
            // the gene panels
            boolean wantUnlabelled = s.run().geneSources() == GeneSources.ALL_DEPOSITS || config.genePanelShare() > 0;
            for (DepositedStudies.Deposit d : deposits.all(Set.of())) {
                if (d.labelled() && (studyIds.isEmpty() || studyIds.contains(d.studyId()))) {
                    LabelledStudy study = deposits.download(d, s.workDir().resolve("studies"));
                    Optional<String> unusable = TrainingDataLoader.missingColumns(study);
                    if (unusable.isPresent()) {
                        // the indexing job quarantines such a study too; one bad deposit must not stop training
                        out.println("skipping study " + d.studyId() + ": " + unusable.get());
                        continue;
                    }
                    studies.add(study);
                } else if (!d.labelled() && wantUnlabelled) {
                    unlabelled.add(deposits.downloadData(d, s.workDir().resolve("studies")));
                }
            }
            if (studies.isEmpty()) {
                throw new AtlasException("found no labelled study"
                        + (studyIds.isEmpty() ? "" : " among " + studyIds) + " in bucket " + s.bucket()
                        + "; deposit a study whose study.json names columns.cellTypeLabel");
            }
            out.println("training on "
                    + studies.stream().map(LabelledStudy::studyId).toList()
                    + (unlabelled.isEmpty()
                            ? ""
                            : " (plus " + unlabelled.size() + " unlabelled deposits for the gene order)")
                    + "; " + config.epochs() + " epochs, hidden " + config.hidden() + ", latent " + config.latent()
                    + ", gene mask " + config.geneMask() + ", gene panels " + config.genePanelShare()
                    + ", ontology " + s.ontology());
            CellOntology onto = s.loadOntology();
            TrainingRun run = new TrainingRun(s.run(), onto, new ModelRegistry(client, s.bucket()), events);
            long t0 = System.nanoTime();
            TrainingRun.Outcome o = run.run(
                    studies,
                    unlabelled,
                    config,
                    s.workDir().resolve("run-" + Instant.now().toEpochMilli()),
                    progress(out),
                    out::println);
            out.printf(java.util.Locale.ROOT, "training and evaluation took %.0f s%n", (System.nanoTime() - t0) / 1e9);
            out.println("model " + o.manifest().version() + " "
                    + o.manifest().status().json() + ": " + o.verdict().reason());
            out.print(o.candidate().report().summary());
            out.printf(
                    java.util.Locale.ROOT,
                    "PCA + kNN baseline on the same split: accuracy %.4f, macro-F1 %.4f%n",
                    o.pcaBaseline().accuracy(),
                    o.pcaBaseline().macroF1());
            out.println("metrics " + o.manifest().metrics());
            return o;
        } catch (java.io.IOException e) {
            throw new AtlasException(s.workDir() + ": cannot lock the working directory: " + e.getMessage(), e);
        }
    }

    /**
     * The epoch log line on {@code out}, preceded by a progress bar redrawn per batch when the process
     * has a console (not when its output goes to a log file).
     */
    public static TrainingListener progress(PrintStream out) {
        boolean bar = System.console() != null;
        return new TrainingListener() {
            @Override
            public void batchDone(int epoch, int batch, int batches) {
                if (!bar) {
                    return; // a log file gets one line per epoch, not carriage-return redraws
                }
                int width = 30;
                int done = batch * width / batches;
                out.print("\repoch " + epoch + " [" + "#".repeat(done) + " ".repeat(width - done) + "] " + batch + "/"
                        + batches);
                out.flush();
            }

            @Override
            public void epochDone(EpochLog log) {
                if (bar) {
                    out.print("\r");
                }
                out.println(log.line());
            }

            @Override
            public void note(String line) {
                out.println(line);
            }

            @Override
            public void resumed(int nextEpoch) {
                out.println("resuming from the checkpoint at epoch " + nextEpoch);
            }
        };
    }

    private static MinioClient minio(TrainerSettings s) {
        MinioClient c = MinioClient.builder()
                .endpoint(s.s3Endpoint())
                .credentials(s.s3AccessKey(), s.s3SecretKey())
                .region(s.s3Region())
                .build();
        try {
            if (!c.bucketExists(BucketExistsArgs.builder().bucket(s.bucket()).build())) {
                throw new AtlasException("bucket " + s.bucket() + " does not exist at " + s.s3Endpoint()
                        + "; run ./atlas up or set atlas.s3.bucket");
            }
        } catch (AtlasException e) {
            throw e;
        } catch (Exception e) {
            throw new AtlasException("cannot reach the object store at " + s.s3Endpoint() + ": " + e.getMessage(), e);
        }
        return c;
    }

    /**
     * The service loop: follows study statuses, trains when the trigger says so (or at once when no
     * model is published and a labelled study exists). Runs until interrupted. Configured from the
     * environment alone ({@code ATLAS_KAFKA_BOOTSTRAP}, {@code ATLAS_S3_ENDPOINT}, {@code
     * ATLAS_DATA_DIR}, {@code ATLAS_TRAINER_*}).
     */
    static void serve(TrainerSettings s, PrintStream out) {
        out.println("trainer serve: Kafka " + s.kafkaBootstrap() + " (topic " + s.statusTopic() + " -> "
                + s.modelsTopic() + "), object store " + s.s3Endpoint() + " bucket " + s.bucket() + ", work dir "
                + s.workDir().toAbsolutePath() + "; retrains every " + s.interval() + " or after " + s.minNewCells()
                + " new labelled cells; model hidden " + s.training().hidden() + " latent "
                + s.training().latent()
                + ", " + s.training().epochs() + " epochs");
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "atlas-trainer");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        MinioClient client = minio(s);
        DepositedStudies deposits = new DepositedStudies(client, s.bucket());
        ModelRegistry registry = new ModelRegistry(client, s.bucket());
        try (ModelEvents events = new ModelEvents(s.kafkaBootstrap(), s.modelsTopic(), "atlas-trainer")) {
            ModelAnnouncement.reconcile(registry, events, s.kafkaBootstrap(), s.modelsTopic(), out::println);
        } catch (AtlasException e) {
            out.println("trainer serve: could not check that the current model was announced (" + e.getMessage()
                    + "); the next start checks again");
        }
        java.util.Optional<Manifest> current = registry.current();
        out.println(current.map(m -> "trainer serve: current model " + m.version() + " of " + m.created())
                .orElse("trainer serve: no model published yet; the first labelled study triggers a training"));
        TrainingTrigger trigger = new TrainingTrigger(
                s.interval(), s.minNewCells(), current.map(Manifest::created).orElse(Instant.EPOCH));
        boolean haveModel = current.isPresent();
        boolean waitingNoted = false;
        Instant lastLook = Instant.EPOCH;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(s.statusTopic()));
            while (!Thread.currentThread().isInterrupted()) {
                Set<String> labelled = new HashSet<>();
                boolean indexed = false;
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(5))) {
                    StudyStatus st;
                    try {
                        st = Json.mapper().readValue(r.value(), StudyStatus.class);
                    } catch (Exception e) {
                        continue; // not ours to judge: the pipeline dead-letters bad statuses
                    }
                    if (st.state() == StudyState.INDEXED && st.counts() != null) {
                        if (labelled.isEmpty()) {
                            deposits.labelled(Set.of()).forEach(d -> labelled.add(d.studyId()));
                        }
                        trigger.indexed(st.studyId(), st.counts().cellsIndexed(), labelled);
                        indexed = true;
                        out.println("trainer serve: study " + st.studyId() + " indexed ("
                                + st.counts().cellsIndexed() + " cells"
                                + (labelled.contains(st.studyId())
                                        ? ", labelled; " + trigger.newCells() + " new labelled cells)"
                                        : ", unlabelled)"));
                    }
                }
                var due = trigger.due(Instant.now());
                if (due.isEmpty() || (!indexed && Instant.now().isBefore(lastLook.plusSeconds(60)))) {
                    continue;
                }
                lastLook = Instant.now();
                if (deposits.labelled(Set.of()).isEmpty()) {
                    // nothing to train on yet: keep the trigger armed instead of waiting a whole interval
                    if (!waitingNoted) {
                        out.println("trainer serve: a training is due (" + due.get()
                                + ") but no labelled study is deposited yet; waiting for one");
                        waitingNoted = true;
                    }
                    continue;
                }
                waitingNoted = false;
                out.println("trainer serve: training (" + (haveModel ? due.get() : "no model published yet") + ")");
                Instant at = Instant.now();
                try {
                    TrainingRun.Outcome o = trainOnce(s, s.training(), List.of(), out);
                    haveModel |= o.verdict().accepted();
                } catch (AtlasException e) {
                    // a failed training leaves the current model serving; the service reports it
                    // and waits for the next trigger instead of stopping the platform's retraining
                    out.println("trainer serve: training failed, the current model stays: " + e.getMessage());
                }
                trigger.trained(at);
            }
        }
    }
}
