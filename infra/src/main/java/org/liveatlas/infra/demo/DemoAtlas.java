package org.liveatlas.infra.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.liveatlas.infra.apps.AppRunner;
import org.liveatlas.infra.apps.PlatformApp;
import org.liveatlas.infra.stack.StackConfig;
import org.liveatlas.infra.stack.StackException;

/**
 * The demo atlas: real PBMC data committed under {@code infra/demo}, seeded through the platform's
 * normal path. {@link #depositAndTrain} deposits the labelled reference studies into the object store
 * (the ingest command line) and trains the first model on them (the trainer's command line, with the
 * publish gate); {@link #awaitIndexed} waits until the pipeline has indexed every demo study. Each step
 * leaves a marker in {@code <data-dir>/demo/}, so a repeated or interrupted seeding redoes only what is
 * missing; {@code seeded} marks the whole demo done.
 */
public final class DemoAtlas {
    /** A demo study: its id, data file and {@code study.json}, relative to the demo folder. */
    public record Study(String id, String file, String meta) {}

    /**
     * The demo's studies: two labelled references (sorted PBMC populations of one experiment, the second
     * with effector CD8 T cells) and the example query file deposited unlabelled, so that cell search
     * finds cells in more than one study.
     */
    public static final List<Study> STUDIES = List.of(
            new Study("pbmc14k", "pbmc14k_sorted/pbmc14k_demo.h5ad", "pbmc14k_sorted/pbmc14k_demo.study.json"),
            new Study("zheng_mudan", "zheng_sorted_mudan/mudan_demo.h5ad", "zheng_sorted_mudan/mudan_demo.study.json"),
            new Study("kang_example", "kang_muscat/kang_muscat_demo.h5ad", "kang_muscat/kang_muscat_demo.study.json"));

    /** The example file a newcomer annotates, relative to the project root. */
    public static final String EXAMPLE_QUERY = "infra/demo/kang_muscat/kang_muscat_demo.h5ad";

    /**
     * The demo model's training settings (the trainer's {@code ATLAS_TRAINER_*} variables): a small
     * network and a short schedule that train in well under a minute on two cores, as the trainer's PBMC
     * measurements chose them (encoder 128-64 to 32, 15 epochs, RANDOM negatives, triplet weight 0.5);
     * the gene order is every gene of the labelled studies (the trainer's default), with gene-panel
     * augmentation so that a query measuring a narrow panel (the example file: 1,129 of about 9,300)
     * still lands near the reference; the Cell Ontology extract (the trainer's default) for negatives.
     * Two labelled studies, so the trainer's automatic evaluation split is leave-studies-out: it holds
     * one study out of training and calibrates the unknown threshold on it; permissive QC (the sorted
     * sets' cells hold few genes for SCimilarity's 500-gene filter). The trainer service of {@code up}
     * and a later {@code atlas train} get the same settings (recorded in the data folder).
     */
    public static final Map<String, String> TRAINING = trainingSettings();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final Path home;
    private final StackConfig config;
    private final AppRunner runner;

    public DemoAtlas(Path home, StackConfig config) {
        this.home = home;
        this.config = config;
        this.runner = new AppRunner(home, config);
    }

    private static Map<String, String> trainingSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ATLAS_TRAINER_HIDDEN", "128,64");
        m.put("ATLAS_TRAINER_LATENT", "32");
        m.put("ATLAS_TRAINER_EPOCHS", "15");
        m.put("ATLAS_TRAINER_BATCH_SIZE", "500");
        m.put("ATLAS_TRAINER_NEGATIVE_SELECTION", "RANDOM");
        m.put("ATLAS_TRAINER_TRIPLET_WEIGHT", "0.5");
        m.put("ATLAS_TRAINER_QC", "permissive");
        m.put("ATLAS_TRAINER_CROSS_STUDY_POSITIVES", "false");
        m.put("ATLAS_TRAINER_SEED", "7");
        m.put("ATLAS_TRAINER_GENE_PANELS", "0.8");
        return Map.copyOf(m);
    }

    /** The folder of the demo's data files. */
    public Path folder() {
        return home.resolve("infra").resolve("demo");
    }

    private Path markers() {
        return config.dataDir().resolve("demo");
    }

    /** True once this data folder holds the whole demo. */
    public boolean seeded() {
        return Files.isRegularFile(markers().resolve("seeded"));
    }

    /** Deposits the reference studies and trains the first model, skipping steps already done. */
    public void depositAndTrain(Consumer<String> progress) {
        for (Study s : STUDIES) {
            Path file = folder().resolve(s.file());
            if (!Files.isRegularFile(file)) {
                throw new StackException("demo file " + file + " is missing; restore it with git checkout, or run up"
                        + " with --no-demo");
            }
        }
        if (!done("deposited")) {
            for (Study s : STUDIES) {
                progress.accept("demo: depositing " + s.id() + " (" + s.file() + ")");
                int code = runner.runCaptured(
                        PlatformApp.INGEST,
                        "org.liveatlas.ingest.cli.IngestCli",
                        List.of(
                                "deposit",
                                folder().resolve(s.file()).toString(),
                                "--study",
                                s.id(),
                                "--meta",
                                folder().resolve(s.meta()).toString(),
                                "--follow",
                                "0s"),
                        Map.of(),
                        line -> show(line, progress));
                if (code != 0) {
                    throw new StackException("demo: depositing " + s.id() + " failed (exit " + code
                            + "); see the lines above, then run ./atlas up --demo again");
                }
            }
            mark("deposited");
        }
        if (!done("trained")) {
            progress.accept("demo: training the first model on the labelled reference (trainer, publish gate;"
                    + " about a minute)");
            long t0 = System.nanoTime();
            int code = runner.runCaptured(
                    PlatformApp.TRAINER,
                    "org.liveatlas.trainer.TrainerMain",
                    List.of("train"),
                    TRAINING,
                    line -> show(line, progress));
            if (code != 0) {
                throw new StackException("demo: training the first model failed (exit " + code
                        + "); see the lines above, then run ./atlas up --demo again");
            }
            progress.accept(String.format("demo: first model published in %.0f s", (System.nanoTime() - t0) / 1e9));
            org.liveatlas.infra.apps.TrainingDefaults.record(config.dataDir(), TRAINING);
            mark("trained");
        }
    }

    /**
     * Waits until every demo study is indexed (its document in the {@code studies} index says {@code
     * indexed}), printing progress; fails on a quarantined study or after {@code timeout}. Then marks the
     * demo seeded.
     */
    public void awaitIndexed(Duration timeout, Consumer<String> progress) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        String lastLine = "";
        long lastPrinted = 0;
        while (true) {
            StringBuilder line = new StringBuilder("demo: indexing");
            boolean all = true;
            for (Study s : STUDIES) {
                JsonNode doc = studyDocument(s.id());
                String state = doc == null ? "waiting" : doc.path("state").asText("waiting");
                if ("quarantined".equals(state)) {
                    throw new StackException("demo study " + s.id() + " was quarantined: "
                            + doc.path("reason").asText(doc.toString()) + "; see ./atlas studies");
                }
                line.append(' ').append(s.id()).append(' ').append(state);
                if ("indexed".equals(state)) {
                    line.append(" (").append(doc.path("cells_indexed").asLong()).append(" cells)");
                } else {
                    all = false;
                }
            }
            long now = System.nanoTime();
            if (!line.toString().equals(lastLine)
                    || now - lastPrinted > Duration.ofSeconds(30).toNanos()) {
                progress.accept(String.format("%s  [%.0f s]", line, (now - t0) / 1e9));
                lastLine = line.toString();
                lastPrinted = now;
            }
            if (all) {
                mark("seeded");
                return;
            }
            if (now > deadline) {
                throw new StackException("demo: the studies were not indexed within " + timeout.toSeconds()
                        + " s; check the Flink jobs at " + config.endpoints().flinkRestUrl() + " and "
                        + config.serviceDir(org.liveatlas.infra.stack.ServiceName.FLINK)
                                .resolve("flink.log")
                        + ", then run ./atlas up --demo again");
            }
            sleep(2000);
        }
    }

    /**
     * Passes a line of an app's output on, without the redraws of its progress bars (the upload's and the
     * epoch's): only a bar's last state is shown.
     */
    private static void show(String line, Consumer<String> progress) {
        if (line.isBlank() || line.contains("AutoNonVariableTypeMode")) {
            return;
        }
        java.util.regex.Matcher bar = PROGRESS_BAR.matcher(line);
        if (bar.find()
                && !line.contains("100%")
                && !(bar.group(2) != null && bar.group(2).equals(bar.group(3)))) {
            return;
        }
        progress.accept("  " + line.strip());
    }

    /** A text progress bar: {@code [#####     ] 50%} or {@code [#####     ] 3/6}. */
    private static final java.util.regex.Pattern PROGRESS_BAR =
            java.util.regex.Pattern.compile("\\[[# ]{10,}\\]( (\\d+)/(\\d+))?");

    /** The study's document in the {@code studies} index, or null while it has none. */
    private JsonNode studyDocument(String studyId) {
        String url = config.endpoints().openSearchUrl() + "/studies/_doc/" + studyId;
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            JsonNode source = JSON.readTree(r.body()).path("_source");
            return source.isMissingNode() ? null : source;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for the demo studies");
        }
    }

    /**
     * Waits until the API reports itself ready (a model and the cells index), up to {@code timeout};
     * returns whether it did.
     */
    public boolean awaitApiReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String url = config.endpoints().apiUrl() + "/q/health/ready";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            sleep(1000);
        }
        return false;
    }

    private boolean done(String step) {
        return Files.isRegularFile(markers().resolve(step));
    }

    private void mark(String step) {
        try {
            Files.createDirectories(markers());
            Files.writeString(
                    markers().resolve(step), java.time.Instant.now() + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StackException(
                    "cannot write the demo marker " + markers().resolve(step) + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while seeding the demo atlas");
        }
    }
}
