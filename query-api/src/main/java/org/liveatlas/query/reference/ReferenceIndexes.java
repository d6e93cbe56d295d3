package org.liveatlas.query.reference;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.liveatlas.core.annotate.LabelFilter;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.query.config.ModelSource;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.events.TopicFollower;
import org.liveatlas.query.models.LoadedModel;
import org.liveatlas.query.problem.ApiProblem;
import org.liveatlas.query.security.Caller;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.index.IndexMappings;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The in-memory references of the query API, one per model version (at most two held: the serving one and
 * the one it replaced, while requests that leased it finish). A reference is loaded from the model's cells
 * index when a request first needs it, then follows {@code atlas.study-status}: a study indexed (or
 * re-indexed) is read again and replaces its earlier rows, a withdrawn one leaves, within the time of
 * one read. Loads and updates of all references run one after another on one thread, so events apply in
 * order; graph builds run beside them and are swapped in when done.
 *
 * <p>A request takes the reference of the model it leased ({@link #of(LoadedModel.Lease)}), so its
 * embeddings are compared only with reference cells embedded by the same model.
 */
@ApplicationScoped
public class ReferenceIndexes {
    private static final Logger LOG = Logger.getLogger(ReferenceIndexes.class);
    private static final int MAX_HELD = 2;
    /** Above this many graphless segments the small ones are merged (fewer products per batch). */
    private static final int MAX_EXACT_SEGMENTS = 16;
    /** A graph segment with more dead rows than this fraction is rebuilt from its live rows. */
    private static final double MAX_DEAD_FRACTION = 0.3;

    private final QueryConfig.Reference settings;
    private final String alias;
    private final ReferenceLoader loader;
    private final CellOntology ontology;
    private final ExecutorService serial;
    private final ExecutorService builder;
    private final ForkJoinPool pool;
    private final int threads;
    private final ReferenceSet.SearchOptions searchOptions;
    private final Map<String, Holder> held = new LinkedHashMap<>();
    private final String bootstrap;
    private final String statusTopic;
    private final boolean follow;
    private TopicFollower follower;

    /** One model version's reference: its current set, and whether its first load is done. */
    static final class Holder {
        final String version;
        final String index;
        final CompletableFuture<Void> loaded = new CompletableFuture<>();
        final AtomicLong read = new AtomicLong();
        final AtomicBoolean compacting = new AtomicBoolean();
        volatile ReferenceSet set;
        volatile Instant lastUsed = Instant.now();
        volatile Instant loadedAt;

        Holder(String version, String index, ReferenceSet empty) {
            this.version = version;
            this.index = index;
            this.set = empty;
        }
    }

    @Inject
    ReferenceIndexes(QueryConfig config, OpenSearchClient client) {
        this(
                config.reference(),
                config.opensearch().cellsIndex(),
                new ReferenceLoader(client, config.reference().pageSize()),
                config.kafka().bootstrap(),
                config.kafka().studyStatusTopic(),
                config.models().source() == ModelSource.STORE);
    }

    ReferenceIndexes(
            QueryConfig.Reference settings,
            String alias,
            ReferenceLoader loader,
            String bootstrap,
            String statusTopic,
            boolean follow) {
        this.settings = settings;
        this.alias = alias;
        this.loader = loader;
        this.ontology = settings.ontology().map(CellOntology::read).orElseGet(CellOntology::bundled);
        this.threads = settings.threads() > 0
                ? settings.threads()
                : Runtime.getRuntime().availableProcessors();
        this.pool = new ForkJoinPool(threads);
        this.serial = Executors.newSingleThreadExecutor(daemon("reference-index"));
        this.builder = Executors.newCachedThreadPool(daemon("reference-graph"));
        this.searchOptions = new ReferenceSet.SearchOptions(
                settings.hnswEfSearch(), settings.exactFilterFraction(), settings.maxProductScores(), pool);
        this.bootstrap = bootstrap;
        this.statusTopic = statusTopic;
        this.follow = follow;
    }

    void start(@Observes StartupEvent ev) {
        if (follow) {
            // from the end as it is now: a reference loaded later reads the index, which already holds older events
            follower = new TopicFollower(bootstrap, statusTopic, TopicFollower.Start.END, this::onStatus);
            follower.start();
        }
    }

    /** The searchable reference of a leased model, waiting (bounded) for its first load. */
    public Reference of(LoadedModel.Lease lease) {
        String version = lease.model().version();
        Holder h = holder(version, lease.index().orElse(null));
        h.lastUsed = Instant.now();
        try {
            h.loaded.get(settings.loadWaitSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw ApiProblem.of(
                            503,
                            "reference-loading",
                            "Service unavailable",
                            "the reference cells of model " + version + " are still being loaded from " + h.index + " ("
                                    + h.read.get() + " read so far); retry shortly")
                    .with("retry_after_seconds", 10);
        } catch (ExecutionException e) {
            synchronized (held) {
                held.remove(version);
            }
            throw ApiProblem.of(
                            503,
                            "reference-unavailable",
                            "Service unavailable",
                            "the reference cells of model " + version + " could not be read from " + h.index + ": "
                                    + e.getCause().getMessage() + "; retry (the next request reads them again)")
                    .with("retry_after_seconds", 5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiProblem.of(
                    503, "reference-loading", "Service unavailable", "interrupted while the reference loads");
        }
        return new Reference(h.set, searchOptions);
    }

    /**
     * What each held reference holds, for {@code /v1/reference}: cells, studies and labels as far as {@code
     * caller} may see them; layout and memory of the whole.
     */
    public List<Map<String, Object>> describe(Caller caller) {
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (held) {
            for (Holder h : held.values()) {
                ReferenceSet s = h.set;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("model_version", h.version);
                m.put("index", h.index);
                m.put("state", h.loaded.isDone() && !h.loaded.isCompletedExceptionally() ? "ready" : "loading");
                m.put("loaded_at", h.loadedAt == null ? null : h.loadedAt.toString());
                List<ReferenceSet.Study> visible = s.visibleTo(caller);
                m.put(
                        "cells",
                        visible.stream().mapToLong(ReferenceSet.Study::cells).sum());
                m.put(
                        "studies",
                        visible.stream()
                                .map(ReferenceSet.Study::studyId)
                                .sorted()
                                .toList());
                m.put("segments", s.segments().size());
                m.put(
                        "graph_segments",
                        s.segments().stream().filter(g -> g.graph != null).count());
                m.put("bytes_per_cell", s.heldRows() == 0 ? 0 : s.bytes() / s.heldRows());
                m.put("search", searchDescription());
                out.add(m);
            }
        }
        return out;
    }

    private Map<String, Object> searchDescription() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exact_max_cells", settings.exactMaxCells());
        m.put("hnsw_m", settings.hnswM());
        m.put("hnsw_ef_construction", settings.hnswEfConstruction());
        m.put("hnsw_ef_search", settings.hnswEfSearch());
        m.put("threads", threads);
        return m;
    }

    /** A consistent view of one model version's reference, searched by one request. */
    public static final class Reference {
        private final ReferenceSet set;
        private final ReferenceSet.SearchOptions options;

        Reference(ReferenceSet set, ReferenceSet.SearchOptions options) {
            this.set = set;
            this.options = options;
        }

        public String modelVersion() {
            return set.modelVersion();
        }

        /** The cells index the reference was read from. */
        public String index() {
            return set.index();
        }

        /** Reference cells that vote for {@code caller}. */
        public long cells(Caller caller) {
            return set.visibleTo(caller).stream()
                    .mapToLong(ReferenceSet.Study::cells)
                    .sum();
        }

        /** The k nearest visible, accepted reference cells of each query, as (harmonised label key, distance). */
        public List<List<Neighbour>> nearest(float[][] queries, int k, Caller caller, LabelFilter filter) {
            if (queries.length == 0) {
                return List.of();
            }
            return set.nearest(queries, k, caller, filter, options);
        }

        /** The name a label key is shown by (the ontology's term name, else the most used author label). */
        public String name(String key) {
            LabelTable.Label l = set.labels().byKey(key);
            return l == null ? key : l.name();
        }

        /** The ontology id of a label key, or null when it is an author label. */
        public String ontologyId(String key) {
            LabelTable.Label l = set.labels().byKey(key);
            return l == null ? null : l.ontologyId();
        }
    }

    private Holder holder(String version, String leasedIndex) {
        synchronized (held) {
            Holder h = held.get(version);
            if (h != null) {
                return h;
            }
            while (held.size() >= MAX_HELD) {
                String oldest = held.values().stream()
                        .min(java.util.Comparator.comparing(x -> x.lastUsed))
                        .map(x -> x.version)
                        .orElseThrow();
                held.remove(oldest);
                LOG.infof("reference of model %s released", oldest);
            }
            String index = leasedIndex != null ? leasedIndex : indexOf(version);
            Holder fresh = new Holder(version, index, ReferenceSet.empty(version, index, ontology));
            held.put(version, fresh);
            serial.execute(() -> load(fresh));
            return fresh;
        }
    }

    /** The model's own cells index when it exists, else the configured alias (a folder registry, a pinned model). */
    private String indexOf(String version) {
        String own = IndexMappings.cellsIndexName(version);
        try {
            return loader.exists(own) ? own : alias;
        } catch (RuntimeException e) {
            return alias;
        }
    }

    private void load(Holder h) {
        long t0 = System.nanoTime();
        try {
            ReferenceSet set = ReferenceSet.empty(h.version, h.index, ontology);
            if (loader.exists(h.index)) {
                for (StudyRows rows : loader.all(h.index, h.read::set)) {
                    set = set.withStudy(rows);
                }
            }
            h.set = set;
            // the first graph is built before the reference serves: an exact search of a large reference per
            // batch would be far slower than waiting for it
            compactNow(h);
            h.loadedAt = Instant.now();
            ReferenceSet s = h.set;
            LOG.infof(
                    "reference of model %s loaded from %s: %d cells of %d studies, %d labels, %d segments, %d MB,"
                            + " %.1f s",
                    h.version,
                    h.index,
                    s.cells(),
                    s.studies().size(),
                    s.labels().size(),
                    s.segments().size(),
                    s.bytes() >> 20,
                    (System.nanoTime() - t0) / 1e9);
            h.loaded.complete(null);
        } catch (RuntimeException e) {
            LOG.warnf("reference of model %s not loaded from %s: %s", h.version, h.index, e.getMessage());
            h.loaded.completeExceptionally(e);
        }
    }

    private void onStatus(List<ConsumerRecord<String, String>> records) {
        for (ConsumerRecord<String, String> r : records) {
            if (r.value() == null) {
                continue;
            }
            StudyStatus s;
            try {
                s = Json.mapper().readValue(r.value(), StudyStatus.class);
            } catch (Exception e) {
                LOG.warnf("ignoring a malformed StudyStatus under key %s: %s", r.key(), e.getMessage());
                continue;
            }
            if (s.state() != StudyState.INDEXED && s.state() != StudyState.WITHDRAWN) {
                continue;
            }
            List<Holder> targets;
            synchronized (held) {
                targets = new ArrayList<>(held.values());
            }
            for (Holder h : targets) {
                serial.execute(() -> apply(h, s));
            }
        }
    }

    /** One study's change applied to one reference (on the serial thread, after its load). */
    void apply(Holder h, StudyStatus s) {
        if (h.loaded.isCompletedExceptionally()) {
            return;
        }
        try {
            ReferenceSet before = h.set;
            if (s.state() == StudyState.WITHDRAWN) {
                h.set = before.withoutStudy(s.studyId());
            } else {
                StudyRows rows = loader.study(h.index, s.studyId(), s.depositVersion());
                if (rows.size() == 0 && !h.version.equals(s.modelVersion())) {
                    return; // indexed by another model into another index: nothing of it here (yet)
                }
                h.set = before.withStudy(rows);
            }
            if (h.set != before) {
                LOG.infof(
                        "reference of model %s: study %s %s, now %d cells of %d studies",
                        h.version,
                        s.studyId(),
                        s.state() == StudyState.WITHDRAWN ? "withdrawn" : "indexed",
                        h.set.cells(),
                        h.set.studies().size());
                maintain(h);
            }
        } catch (RuntimeException e) {
            LOG.warnf("reference of model %s: study %s not updated: %s", h.version, s.studyId(), e.getMessage());
        }
    }

    /** Starts a compaction in the background when the set calls for one. */
    private void maintain(Holder h) {
        List<Segment> parts = compactionParts(h.set);
        if (parts.isEmpty() || !h.compacting.compareAndSet(false, true)) {
            return;
        }
        ReferenceSet base = h.set;
        builder.execute(() -> {
            try {
                Segment built = compacted(base, parts);
                serial.execute(() -> {
                    h.set = h.set.withSegments(parts, built);
                    h.compacting.set(false);
                    maintain(h);
                });
            } catch (RuntimeException e) {
                h.compacting.set(false);
                LOG.warnf("reference of model %s: compaction failed: %s", h.version, e.getMessage());
            }
        });
    }

    /** Compacts in the calling thread (the first load). */
    private void compactNow(Holder h) {
        List<Segment> parts = compactionParts(h.set);
        if (parts.isEmpty()) {
            return;
        }
        h.set = h.set.withSegments(parts, compacted(h.set, parts));
    }

    /** The live rows of {@code parts} as one segment, with a graph when {@code set} is above exact-max. */
    private Segment compacted(ReferenceSet set, List<Segment> parts) {
        Segment merged = set.merge(parts);
        return set.cells() > settings.exactMaxCells() ? withGraph(merged) : merged;
    }

    private Segment withGraph(Segment merged) {
        long t0 = System.nanoTime();
        Segment g = merged.withGraph(settings.hnswM(), settings.hnswEfConstruction(), threads, pool);
        LOG.infof("reference graph of %d cells built in %.1f s", merged.size(), (System.nanoTime() - t0) / 1e9);
        return g;
    }

    /**
     * The segments to merge: above exact-max, the graphless ones once they hold graph-min cells together, and
     * graph segments with many dead rows; at or below it, the graphless ones when they are many.
     */
    private List<Segment> compactionParts(ReferenceSet set) {
        List<Segment> graphless = new ArrayList<>();
        List<Segment> stale = new ArrayList<>();
        long graphlessRows = 0;
        for (Segment s : set.segments()) {
            int live = 0;
            for (int slot : s.slots) {
                live += set.live(slot) ? 1 : 0;
            }
            if (s.graph == null) {
                graphless.add(s);
                graphlessRows += live;
            } else if (s.size() - live > MAX_DEAD_FRACTION * s.size()) {
                stale.add(s);
            }
        }
        if (set.cells() > settings.exactMaxCells()) {
            List<Segment> parts = new ArrayList<>(stale);
            if (graphlessRows >= settings.graphMinCells() || !stale.isEmpty()) {
                parts.addAll(graphless);
            }
            return parts;
        }
        if (graphless.size() > MAX_EXACT_SEGMENTS || !stale.isEmpty()) {
            List<Segment> parts = new ArrayList<>(graphless);
            parts.addAll(stale);
            return parts;
        }
        return List.of();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @PreDestroy
    void close() {
        if (follower != null) {
            follower.close();
        }
        serial.shutdownNow();
        builder.shutdownNow();
        pool.shutdownNow();
    }
}
