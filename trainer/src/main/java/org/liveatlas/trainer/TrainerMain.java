package org.liveatlas.trainer;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.liveatlas.core.AtlasException;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.trainer.data.DepositedStudies;
import org.liveatlas.trainer.data.LabelledStudy;
import org.liveatlas.trainer.ontology.CellOntology;
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

    public static void main(String[] args) {
        System.exit(run(args, TrainerSettings.fromEnvironment(), System.out, System.err));
    }

    /** Runs the command; returns the exit code. */
    public static int run(String[] args, TrainerSettings settings, PrintStream out, PrintStream err) {
        try {
            List<String> a = new ArrayList<>(Arrays.asList(args));
            if (!a.isEmpty() && a.get(0).equals("train")) {
                a.remove(0);
            }
            if (!a.isEmpty() && a.get(0).equals("serve")) {
                serve(settings, out);
                return 0;
            }
            List<String> studies = List.of();
            TrainingConfig config = settings.training();
            TrainerSettings s = settings;
            for (int i = 0; i < a.size(); i++) {
                switch (a.get(i)) {
                    case "--studies" -> studies = Arrays.asList(a.get(++i).split(","));
                    case "--epochs" -> config = config.withEpochs(Integer.parseInt(a.get(++i)));
                    case "--held-out" -> {
                        TrainingRun.Settings r = s.run();
                        s = new TrainerSettings(
                                s.kafkaBootstrap(),
                                s.s3Endpoint(),
                                s.s3AccessKey(),
                                s.s3SecretKey(),
                                s.s3Region(),
                                s.bucket(),
                                s.modelsTopic(),
                                s.statusTopic(),
                                s.workDir(),
                                s.ontology(),
                                s.interval(),
                                s.minNewCells(),
                                s.training(),
                                new TrainingRun.Settings(
                                        r.qc(),
                                        r.minStudiesPerGene(),
                                        r.minSharedGenes(),
                                        Arrays.asList(a.get(++i).split(",")),
                                        r.gate(),
                                        r.evaluatorThreads()));
                    }
                    case "-h", "--help" -> {
                        out.println(
                                "usage: atlas train [--studies A,B] [--epochs N] [--held-out C] | atlas train serve");
                        return 0;
                    }
                    default -> {
                        err.println("unknown option " + a.get(i) + "; usage: atlas train [--studies A,B] [--epochs N]"
                                + " [--held-out C] | atlas train serve");
                        return 2;
                    }
                }
            }
            TrainingRun.Outcome o = trainOnce(s, config, studies, out);
            return o.verdict().accepted() ? 0 : 3;
        } catch (AtlasException | IllegalArgumentException e) {
            err.println("atlas train: " + e.getMessage());
            return 1;
        }
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
            for (DepositedStudies.Deposit d : deposits.labelled(new HashSet<>(studyIds))) {
                studies.add(deposits.download(d, s.workDir().resolve("studies")));
            }
            if (studies.size() < 2) {
                throw new AtlasException("found " + studies.size() + " labelled studies in bucket " + s.bucket()
                        + "; training needs at least two (one is held out for evaluation)");
            }
            out.println("training on "
                    + studies.stream().map(LabelledStudy::studyId).toList());
            CellOntology onto = s.ontology() == null ? CellOntology.none() : CellOntology.read(s.ontology());
            TrainingRun run = new TrainingRun(s.run(), onto, new ModelRegistry(client, s.bucket()), events);
            TrainingRun.Outcome o = run.run(
                    studies, config, s.workDir().resolve("run-" + Instant.now().toEpochMilli()), progress(out));
            out.println("model " + o.manifest().version() + " "
                    + o.manifest().status().json() + ": " + o.verdict().reason());
            out.print(o.candidate().report().summary());
            out.println("metrics " + o.manifest().metrics());
            return o;
        } catch (java.io.IOException e) {
            throw new AtlasException(s.workDir() + ": cannot lock the working directory: " + e.getMessage(), e);
        }
    }

    /** A progress bar per epoch on {@code out} and the epoch log line. */
    public static TrainingListener progress(PrintStream out) {
        return new TrainingListener() {
            @Override
            public void batchDone(int epoch, int batch, int batches) {
                int width = 30;
                int done = batch * width / batches;
                out.print("\repoch " + epoch + " [" + "#".repeat(done) + " ".repeat(width - done) + "] " + batch + "/"
                        + batches);
                out.flush();
            }

            @Override
            public void epochDone(EpochLog log) {
                out.print("\r");
                out.println(log.line());
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

    /** The service loop: follows study statuses, trains when the trigger says so. Runs until interrupted. */
    static void serve(TrainerSettings s, PrintStream out) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "atlas-trainer");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        MinioClient client = minio(s);
        DepositedStudies deposits = new DepositedStudies(client, s.bucket());
        TrainingTrigger trigger = new TrainingTrigger(
                s.interval(),
                s.minNewCells(),
                new ModelRegistry(client, s.bucket())
                        .current()
                        .map(m -> m.created())
                        .orElse(Instant.EPOCH));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(s.statusTopic()));
            while (!Thread.currentThread().isInterrupted()) {
                Set<String> labelled = new HashSet<>();
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
                    }
                }
                var due = trigger.due(Instant.now());
                if (due.isPresent()) {
                    out.println("training: " + due.get());
                    Instant at = Instant.now();
                    try {
                        trainOnce(s, s.training(), List.of(), out);
                    } catch (AtlasException e) {
                        // a failed training leaves the current model serving; the service reports it
                        // and waits for the next trigger instead of stopping the platform's retraining
                        out.println("training failed, the current model stays: " + e.getMessage());
                    }
                    trigger.trained(at);
                }
            }
        }
    }
}
