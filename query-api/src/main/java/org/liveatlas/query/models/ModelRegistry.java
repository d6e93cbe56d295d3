package org.liveatlas.query.models;

import io.minio.MinioClient;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.liveatlas.core.encoder.EncoderOptions;
import org.liveatlas.core.encoder.ScimilarityEncoder;
import org.liveatlas.core.model.Manifest;
import org.liveatlas.core.model.ModelFolder;
import org.liveatlas.core.model.ModelStatus;
import org.liveatlas.query.config.ModelSource;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.store.S3Clients;
import org.liveatlas.schemas.index.IndexMappings;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The model registry as the API sees it (the object store's {@code models/<version>/}, followed through
 * {@code ModelPublished} events on Kafka, or a local folder) and the encoder of the serving version.
 *
 * <p>The serving version is the one whose index ({@code cells-<version>}) the cells alias points at, so
 * queries are embedded with the model their index was built with; a newly published version serves once
 * the re-indexing has moved the alias. Without such a match it is the newest {@code published} (else
 * {@code imported}) version; {@code atlas.query.models.current} pins one. The registry is re-read on every
 * event and every {@code refresh-seconds}; a new version is downloaded and loaded before it replaces the
 * old one in one reference swap, and the old encoder is closed when its last request is done.
 */
@ApplicationScoped
public class ModelRegistry {
    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
    /** The hint every "no model" problem carries. */
    static final String TRAIN_HINT = "run ./atlas train (the trainer publishes a model to the registry), or import"
            + " SCimilarity's weights into models/<version>/";

    private final QueryConfig config;
    private final ModelCatalog catalog;
    private final Supplier<Set<String>> aliasTargets;
    private final MinioClient s3;
    private final Optional<String> pinned;
    private final ModelIndexes indexes;
    private final int maxPinned;
    /** Versions other than the serving one, loaded for queries that pinned them; least recently used first. */
    private final java.util.LinkedHashMap<String, LoadedModel> pinnedModels =
            new java.util.LinkedHashMap<>(4, 0.75f, true);

    private volatile Snapshot snapshot = new Snapshot(List.of(), null, null, Instant.EPOCH, null);
    private ScheduledExecutorService timer;
    private ModelEventsFollower follower;
    private String lastWarning;

    @Inject
    ModelRegistry(QueryConfig config, OpenSearchClient client) {
        this.config = config;
        String alias = config.opensearch().cellsIndex();
        this.aliasTargets = () -> aliasTargets(client, alias);
        this.pinned = config.models().current();
        this.indexes = ModelIndexes.of(client);
        this.maxPinned = Math.max(1, config.models().maxPinned());
        if (config.models().source() == ModelSource.STORE) {
            this.s3 = S3Clients.of(config.s3());
            Path cache = config.dataDir().resolve("query-api").resolve("models");
            this.catalog =
                    new StoreCatalog(s3, config.s3().endpoint(), config.s3().bucket(), cache);
        } else {
            this.s3 = null;
            this.catalog = new FolderCatalog(config.models().dir());
        }
    }

    /** A registry over {@code catalog} without timer or events (tests of the choice and its problems). */
    ModelRegistry(ModelCatalog catalog, Optional<String> pinned, Supplier<Set<String>> aliasTargets) {
        this.config = null;
        this.catalog = catalog;
        this.pinned = pinned;
        this.aliasTargets = aliasTargets;
        this.s3 = null;
        this.indexes = ModelIndexes.assumed();
        this.maxPinned = 2;
    }

    /**
     * What the registry held at its last look.
     *
     * @param manifests every version, newest first
     * @param serving the serving model, null while none may serve
     * @param at when the registry was read
     * @param problem why no model serves, when none does
     */
    /**
     * @param servingIndex the concrete cells index the serving model was chosen behind (so its embeddings
     *     search that index, not whatever the alias points at by now), or null to search the alias
     */
    record Snapshot(List<Manifest> manifests, LoadedModel serving, String servingIndex, Instant at, String problem) {}

    void start(@Observes StartupEvent ev) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-registry");
            t.setDaemon(true);
            return t;
        });
        int every = Math.max(1, config.models().refreshSeconds());
        timer.scheduleWithFixedDelay(this::refreshQuietly, 0, every, TimeUnit.SECONDS);
        if (config.models().source() == ModelSource.STORE) {
            follower = new ModelEventsFollower(
                    config.kafka().bootstrap(),
                    config.kafka().modelsTopic(),
                    () -> timer.execute(this::refreshQuietly));
            follower.start();
        }
        LOG.infof("model registry: %s", catalog.describe());
    }

    /** Every version, newest first, with metrics and status. */
    public List<Manifest> list() {
        return fresh().manifests();
    }

    /** The version serving queries, if any. */
    public Optional<String> servingVersion() {
        LoadedModel m = fresh().serving();
        return m == null ? Optional.empty() : Optional.of(m.version());
    }

    /** The serving model (for its manifest, gene order and width); 503 problem when none. */
    public LoadedModel current() {
        Snapshot s = fresh();
        if (s.serving() == null) {
            throw noModel(s);
        }
        return s.serving();
    }

    /** The manifest of the serving model; 503 problem when none. */
    public Manifest currentManifest() {
        return current().manifest();
    }

    /**
     * A lease on the serving model for embedding: the model stays open until the lease is closed, even if
     * another version takes over meanwhile.
     */
    public LoadedModel.Lease lease() {
        for (int attempt = 0; attempt < 3; attempt++) {
            Snapshot s = fresh();
            if (s.serving() == null) {
                throw noModel(s);
            }
            LoadedModel m = s.serving();
            if (m.tryAcquire()) {
                return new LoadedModel.Lease(m, s.servingIndex());
            }
            // swapped out and closed between the read and the lease: read again
        }
        throw ApiProblem.of(503, "model-swapping", "Service unavailable", "the model is being replaced; retry");
    }

    /**
     * A lease on {@code version} for a query that pins it (empty or the serving version: {@link #lease()}): its
     * model, loaded beside the serving one (at most {@code models.max-pinned} such versions are held, least
     * recently used released first), and its own cells index {@code cells-<version>}, whose retention the
     * pipeline then counts from this use. 404 {@code unknown-model-version} when the registry has no such
     * version, 410 {@code model-version-gone} when its index no longer exists, 409 {@code model-version-not-ready}
     * while it is a candidate still being evaluated.
     */
    public LoadedModel.Lease lease(Optional<String> version) {
        if (version.isEmpty() || version.get().isBlank()) {
            return lease();
        }
        String v = version.get().trim();
        Snapshot s = fresh();
        if (s.serving() != null && s.serving().version().equals(v)) {
            return lease();
        }
        Manifest m = s.manifests().stream()
                .filter(x -> x.version().equals(v))
                .findFirst()
                .orElseThrow(() -> ApiProblem.of(
                                404,
                                "unknown-model-version",
                                "Not found",
                                "model version '" + v + "' is not in the model registry; " + versionsHint(s))
                        .with("field", "model_version"));
        if (m.status() == ModelStatus.CANDIDATE) {
            throw ApiProblem.of(
                            409,
                            "model-version-not-ready",
                            "Conflict",
                            "model version '" + v + "' is a candidate still being evaluated; pin it once it is"
                                    + " published, or " + versionsHint(s))
                    .with("field", "model_version");
        }
        String index = IndexMappings.cellsIndexName(v);
        if (!indexes.exists(index)) {
            throw ApiProblem.of(
                            410,
                            "model-version-gone",
                            "Gone",
                            "model version '" + v + "' (" + m.status().name().toLowerCase(java.util.Locale.ROOT)
                                    + ") has no cells index any more: " + index + " was deleted after it retired and"
                                    + " went unused for the platform's retention (atlas.reindex.retain), or was never"
                                    + " built; " + versionsHint(s))
                    .with("field", "model_version")
                    .with("model_version", v);
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            LoadedModel model = pinnedModel(m);
            if (model.tryAcquire()) {
                indexes.touch(index);
                return new LoadedModel.Lease(model, index);
            }
        }
        throw ApiProblem.of(503, "model-swapping", "Service unavailable", "model " + v + " is being released; retry");
    }

    /** Where a version's cells index stands (see {@link IndexState}). */
    public IndexState indexState(Manifest m, Optional<String> serving) {
        String index = IndexMappings.cellsIndexName(m.version());
        Optional<Map<String, String>> meta;
        try {
            meta = indexes.meta(index);
        } catch (RuntimeException e) {
            return new IndexState(index, "unknown", null, null);
        }
        if (meta.isEmpty()) {
            return new IndexState(index, "gone", null, null);
        }
        if (serving.isPresent() && serving.get().equals(m.version())) {
            return new IndexState(index, "serving", null, null);
        }
        String retired = meta.get().get(IndexMappings.META_RETIRED_AT);
        return retired == null
                ? new IndexState(index, "present", null, null)
                : new IndexState(index, "retired", retired, meta.get().get(IndexMappings.META_LAST_USED_AT));
    }

    private synchronized LoadedModel pinnedModel(Manifest m) {
        LoadedModel held = pinnedModels.get(m.version());
        if (held != null) {
            return held;
        }
        LoadedModel loaded = load(m);
        pinnedModels.put(m.version(), loaded);
        while (pinnedModels.size() > maxPinned) {
            var eldest = pinnedModels.entrySet().iterator().next();
            pinnedModels.remove(eldest.getKey());
            LOG.infof("pinned model %s released (at most %d pinned versions are held)", eldest.getKey(), maxPinned);
            eldest.getValue().release();
        }
        return loaded;
    }

    private static String versionsHint(Snapshot s) {
        String serving = s.serving() == null ? "none" : s.serving().version();
        return "GET /v1/models lists the versions and their indexes; leave model_version out to use the serving"
                + " version (" + serving + ")";
    }

    /** Reads the registry and the alias now and swaps the serving model if it changed. */
    public synchronized void refresh() {
        List<Manifest> all = new ArrayList<>(catalog.list());
        all.sort(Comparator.comparing(Manifest::created)
                .thenComparing(Manifest::version)
                .reversed());
        Optional<Manifest> chosen;
        Set<String> targets = Set.of();
        String why = null;
        if (pinned.isPresent()) {
            chosen = all.stream().filter(m -> m.version().equals(pinned.get())).findFirst();
            if (chosen.isEmpty()) {
                why = "the configured atlas.query.models.current '" + pinned.get() + "' is not in the model registry ("
                        + catalog.describe() + "); unset it or publish that version";
            }
        } else {
            targets = aliasTargets.get();
            chosen = choose(all, targets);
            if (chosen.isEmpty()) {
                why = "no model published yet; " + TRAIN_HINT;
            }
        }
        LoadedModel previous = snapshot.serving();
        LoadedModel serving = previous;
        if (chosen.isPresent()
                && (previous == null || !previous.version().equals(chosen.get().version()))) {
            serving = load(chosen.get());
        } else if (chosen.isEmpty()) {
            serving = null;
        }
        String servingIndex = serving == null ? null : IndexMappings.cellsIndexName(serving.version());
        snapshot = new Snapshot(
                List.copyOf(all),
                serving,
                servingIndex != null && targets.contains(servingIndex) ? servingIndex : null,
                Instant.now(),
                why);
        if (previous != null && previous != serving) {
            LOG.infof("serving model %s (was %s)", serving == null ? "none" : serving.version(), previous.version());
            previous.release();
        }
    }

    /**
     * The version to serve: the one behind the cells alias (unless rejected or never evaluated), else the
     * newest published, else the newest imported.
     */
    static Optional<Manifest> choose(List<Manifest> newestFirst, Set<String> aliasTargets) {
        Optional<Manifest> behindAlias = newestFirst.stream()
                .filter(m -> m.status() != ModelStatus.REJECTED && m.status() != ModelStatus.CANDIDATE)
                .filter(m -> aliasTargets.contains(IndexMappings.cellsIndexName(m.version())))
                .findFirst();
        if (behindAlias.isPresent()) {
            return behindAlias;
        }
        return newestFirst.stream()
                .filter(m -> m.status() == ModelStatus.PUBLISHED)
                .findFirst()
                .or(() -> newestFirst.stream()
                        .filter(m -> m.status() == ModelStatus.IMPORTED)
                        .findFirst());
    }

    private LoadedModel load(Manifest m) {
        Path dir = catalog.fetch(m.version());
        ModelFolder folder = ModelFolder.load(dir);
        ScimilarityEncoder encoder = ScimilarityEncoder.open(folder, EncoderOptions.defaults());
        LOG.infof(
                "model %s loaded from %s: %d genes, latent %d",
                m.version(), catalog.describe(), folder.geneOrder().size(), encoder.latentDim());
        return new LoadedModel(m, folder, encoder);
    }

    /** The indexes the cells alias points at; empty when it is no alias (a plain index) or absent. */
    private static Set<String> aliasTargets(OpenSearchClient client, String alias) {
        try {
            return Set.copyOf(
                    client.indices().getAlias(g -> g.name(alias)).result().keySet());
        } catch (Exception e) {
            return Set.of();
        }
    }

    /** The snapshot, read again first when no model served at the last look and that look is over a second old. */
    private Snapshot fresh() {
        Snapshot s = snapshot;
        if (s.serving() == null && s.at().isBefore(Instant.now().minusSeconds(1))) {
            refreshQuietly();
            s = snapshot;
        }
        return s;
    }

    private void refreshQuietly() {
        try {
            refresh();
            lastWarning = null;
        } catch (RuntimeException e) {
            String msg = e.getMessage();
            if (!java.util.Objects.equals(msg, lastWarning)) {
                LOG.warnf("model registry not read (the serving model stays): %s", msg);
                lastWarning = msg;
            }
            Snapshot s = snapshot;
            snapshot = new Snapshot(
                    s.manifests(), s.serving(), s.servingIndex(), Instant.now(), s.serving() == null ? msg : null);
        }
    }

    private static ApiProblem noModel(Snapshot s) {
        String detail = s.problem() != null ? s.problem() : "no model published yet; " + TRAIN_HINT;
        return ApiProblem.of(503, "no-model", "Service unavailable", detail);
    }

    @PreDestroy
    synchronized void close() {
        if (follower != null) {
            follower.close();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        LoadedModel m = snapshot.serving();
        snapshot = new Snapshot(List.of(), null, null, Instant.now(), "the API is stopping");
        if (m != null) {
            m.release();
        }
        pinnedModels.values().forEach(LoadedModel::release);
        pinnedModels.clear();
        if (s3 != null) {
            try {
                s3.close();
            } catch (Exception e) {
                LOG.debugf("closing the S3 client: %s", e.getMessage());
            }
        }
    }
}
