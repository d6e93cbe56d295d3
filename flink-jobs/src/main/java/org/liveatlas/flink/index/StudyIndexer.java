package org.liveatlas.flink.index;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.qc.QcReport;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.opensearch.BulkAction;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.flink.store.ObjectStore;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.CellCounts;
import org.liveatlas.schemas.events.DataFormat;
import org.liveatlas.schemas.events.DeadLetter;
import org.liveatlas.schemas.events.DepositedObject;
import org.liveatlas.schemas.events.ErrorKind;
import org.liveatlas.schemas.events.ModelPublished;
import org.liveatlas.schemas.events.SourceCoordinates;
import org.liveatlas.schemas.events.StudyDeposited;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.events.StudyWithdrawn;
import org.liveatlas.schemas.store.ObjectLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of IndexStudyJob, keyed by study id: for each deposit version it downloads the data files,
 * streams them through QC, alignment and lognorm in row chunks, embeds each chunk with the current model,
 * annotates it against the reference cells in the index, and emits one upsert per kept cell followed by a
 * barrier that concludes the study once the sink has every document. Withdrawals become a barrier that
 * removes the study. Poison studies (unreadable, bad counts, too few shared genes) are quarantined: a
 * dead letter on the side and a barrier that removes any of this version's documents; the job goes on.
 *
 * <p>Where a deposit goes is read from the aliases for each deposit: the index behind {@code cells} (embedded
 * with the model named in that index's {@code _meta}) and every index a re-index is building (behind {@code
 * building-cells}, each with its own model: the dual write of a blue/green rebuild). A published model takes
 * over when ReindexJob swaps the alias, not before; the broadcast of {@code atlas.models} (else the configured
 * model folder) only decides the model of the very first index. Each task loads each model it needs once.
 *
 * <p>Before any model exists (a fresh platform: no cells alias, nothing published, no configured folder) a
 * deposit or withdrawal waits in keyed state, in arrival order, and a timer looks again every
 * {@link #MODEL_WAIT_MS} ms; the first model then takes them in order. Nothing is quarantined or lost, and
 * the wait survives restarts (state and timers are checkpointed).
 */
public final class StudyIndexer extends KeyedBroadcastProcessFunction<String, DepositEvent, KeyedJson, BulkAction> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StudyIndexer.class);

    /** StudyStatus events (received, indexing progress) for {@code atlas.study-status}. */
    public static final OutputTag<KeyedJson> STATUS =
            new OutputTag<>("study-status", TypeInformation.of(KeyedJson.class));
    /** DeadLetter envelopes for {@code atlas.deposits.dlq}. */
    public static final OutputTag<KeyedJson> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(KeyedJson.class));
    /** Broadcast state: the latest ModelPublished (as JSON) under {@link #CURRENT}. */
    public static final MapStateDescriptor<String, String> MODELS =
            new MapStateDescriptor<>("models", Types.STRING, Types.STRING);

    static final String CURRENT = "current";
    /** How often waiting deposits look for a first model. */
    static final long MODEL_WAIT_MS = 5_000;
    /** Keyed state: events (as {@link DepositEvent} JSON) that arrived before any model existed, in order. */
    static final ListStateDescriptor<String> WAITING = new ListStateDescriptor<>("waiting-for-model", Types.STRING);

    static final String STAGE = "flink.index-study";

    private final PipelineConfig config;
    private transient Map<String, LoadedModel> models;
    private transient Map<String, String> indexVersions;
    private transient String configuredVersion;
    private transient ObjectStore store;
    private transient OpenSearchHttp http;
    private transient IndexManager indexes;
    private transient ReferenceAnnotator annotator;
    private transient Set<String> ensured;

    public StudyIndexer(PipelineConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        store = new ObjectStore(config.s3());
        http = OpenSearchHttp.connect(config.openSearch());
        indexes = new IndexManager(http, config.indexPrefix());
        annotator = new ReferenceAnnotator(
                http, config.voteK(), config.annotateBatch(), config.annotateExactMax(), config.retryPolicy());
        ensured = new HashSet<>();
        models = new HashMap<>();
        indexVersions = new HashMap<>();
        if (config.modelDir() != null) {
            LoadedModel configured = LoadedModel.load(Path.of(config.modelDir()), null, config);
            configuredVersion = configured.version();
            models.put(configuredVersion, configured);
            LOG.info("loaded configured {}", configured);
        }
    }

    @Override
    public void processBroadcastElement(KeyedJson value, Context ctx, Collector<BulkAction> out) throws Exception {
        ModelPublished published;
        try {
            published = Json.mapper().readValue(value.json(), ModelPublished.class);
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("ignoring a malformed ModelPublished under key {}: {}", value.key(), e.getMessage());
            return;
        }
        BroadcastState<String, String> state = ctx.getBroadcastState(MODELS);
        String current = state.get(CURRENT);
        if (current != null) {
            ModelPublished before = Json.mapper().readValue(current, ModelPublished.class);
            if (before.publishedAt().isAfter(published.publishedAt())) {
                return;
            }
        }
        state.put(CURRENT, value.json());
    }

    @Override
    public void processElement(DepositEvent event, ReadOnlyContext ctx, Collector<BulkAction> out) throws Exception {
        ListState<String> waiting = getRuntimeContext().getListState(WAITING);
        boolean queued = waiting.get().iterator().hasNext();
        if (queued || !modelAvailable(ctx)) {
            waiting.add(Json.write(event));
            if (!queued) {
                ctx.timerService().registerProcessingTimeTimer(System.currentTimeMillis() + MODEL_WAIT_MS);
            }
            LOG.info(
                    "{} (offset {}) waits for the first model: nothing published on {} yet and no --atlas.model.dir",
                    event.key(),
                    event.offset(),
                    config.modelsTopic());
            return;
        }
        handle(event, ctx, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<BulkAction> out) throws Exception {
        ListState<String> waiting = getRuntimeContext().getListState(WAITING);
        if (!waiting.get().iterator().hasNext()) {
            return;
        }
        if (!modelAvailable(ctx)) {
            ctx.timerService().registerProcessingTimeTimer(System.currentTimeMillis() + MODEL_WAIT_MS);
            return;
        }
        List<DepositEvent> events = new ArrayList<>();
        for (String json : waiting.get()) {
            events.add(Json.mapper().readValue(json, DepositEvent.class));
        }
        LOG.info("a model is available: indexing {} waiting event(s) of {}", events.size(), ctx.getCurrentKey());
        for (DepositEvent e : events) {
            handle(e, ctx, out);
        }
        waiting.clear();
    }

    /** Whether a deposit can be embedded now: a model was published or configured, or a cells index exists. */
    private boolean modelAvailable(ReadOnlyContext ctx) throws Exception {
        return ctx.getBroadcastState(MODELS).get(CURRENT) != null
                || configuredVersion != null
                || !indexes.aliasTargets().isEmpty();
    }

    private void handle(DepositEvent event, ReadOnlyContext ctx, Collector<BulkAction> out) throws Exception {
        JsonNode node;
        try {
            node = Json.mapper().readTree(event.json());
        } catch (IOException e) {
            deadLetter(ctx, event, null, null, "not JSON: " + e.getMessage(), null);
            return;
        }
        String type = node.path("eventType").asText("");
        try {
            switch (type) {
                case StudyDeposited.EVENT_TYPE -> index(
                        Json.mapper().treeToValue(node, StudyDeposited.class), event, ctx, out);
                case StudyWithdrawn.EVENT_TYPE -> withdraw(Json.mapper().treeToValue(node, StudyWithdrawn.class), out);
                default -> deadLetter(
                        ctx,
                        event,
                        node.path("studyId").asText(null),
                        null,
                        "unknown eventType '" + type + "' on the deposits topic",
                        null);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            deadLetter(
                    ctx,
                    event,
                    node.path("studyId").asText(null),
                    null,
                    "invalid " + type + ": " + e.getOriginalMessage(),
                    null);
        }
    }

    private void withdraw(StudyWithdrawn w, Collector<BulkAction> out) {
        StudyBarrier b = new StudyBarrier(
                StudyBarrier.Outcome.WITHDRAWN,
                w.studyId(),
                w.depositVersion(),
                null,
                null,
                null,
                0,
                0,
                0,
                null,
                null,
                null,
                w.reason(),
                null);
        out.collect(BulkAction.barrier(Json.write(b), null));
    }

    /** A cells index to write a deposit into, with the model that embeds for it. */
    private record Target(String index, LoadedModel model) {}

    private void index(StudyDeposited d, DepositEvent event, ReadOnlyContext ctx, Collector<BulkAction> out)
            throws Exception {
        List<Target> targets = targets(ctx);
        Target primary = targets.get(0);
        LoadedModel m = primary.model();
        String index = primary.index();
        String group = StudyBarrier.group(d.studyId(), d.depositVersion());
        ctx.output(STATUS, status(d, m.version(), new CellCounts(null, 0, 0, 0, 0)));
        Path dir = Path.of(config.workDir()).resolve("liveatlas-" + d.studyId() + "-" + UUID.randomUUID());
        LocalDeposit local = new LocalDeposit(dir, d.prefix());
        long embedded = 0;
        List<String> also = new ArrayList<>();
        try {
            Path input = download(d, dir);
            StudyEmbedding.Result r = StudyEmbedding.run(
                    m,
                    annotator,
                    index,
                    d.study(),
                    d.depositVersion(),
                    input,
                    StudyEmbedding.NamedColumns.REQUIRED,
                    group,
                    out::collect,
                    (total, soFar, n) -> {
                        ctx.output(
                                STATUS,
                                status(
                                        d,
                                        m.version(),
                                        new CellCounts(total, soFar.cellsRead(), soFar.cellsKept(), n, 0)));
                    });
            embedded = r.embedded();
            // dual write: every index a re-index is building gets this version too, embedded with its own model;
            // the targets are read again at the end, so an index marked while this study ran is not missed
            Set<String> done = new HashSet<>(List.of(index));
            for (List<Target> pending = missing(targets, done);
                    !pending.isEmpty();
                    pending = missing(targets(ctx), done)) {
                for (Target t : pending) {
                    done.add(t.index());
                    try {
                        StudyEmbedding.run(
                                t.model(),
                                annotator,
                                t.index(),
                                d.study(),
                                d.depositVersion(),
                                input,
                                StudyEmbedding.NamedColumns.REQUIRED,
                                null,
                                out::collect,
                                (total, soFar, n) -> {});
                        also.add(t.index());
                    } catch (PoisonInputException e) {
                        // the live model took it: the re-index reports (and stops at) a study its model rejects
                        LOG.warn(
                                "study {} version {} cannot be embedded with {} for {} being built: {}",
                                d.studyId(),
                                d.depositVersion(),
                                t.model(),
                                t.index(),
                                local.withObjectKeys(e.getMessage()));
                    }
                }
            }
            QcReport qc = r.qc();
            StudyBarrier indexed = new StudyBarrier(
                    StudyBarrier.Outcome.INDEXED,
                    d.studyId(),
                    d.depositVersion(),
                    m.version(),
                    index,
                    r.total(),
                    qc.cellsRead(),
                    qc.cellsKept(),
                    embedded,
                    qc,
                    d.study(),
                    d.depositedAt(),
                    null,
                    also);
            out.collect(BulkAction.barrier(Json.write(indexed), group));
        } catch (PoisonInputException e) {
            // the reason names the deposited objects, never this worker's copies of them
            String reason = local.withObjectKeys(e.getMessage());
            LOG.warn("quarantining study {} version {}: {}", d.studyId(), d.depositVersion(), reason);
            deadLetter(ctx, event, d.studyId(), d.depositVersion(), reason, m.version());
            StudyBarrier q = new StudyBarrier(
                    StudyBarrier.Outcome.QUARANTINED,
                    d.studyId(),
                    d.depositVersion(),
                    m.version(),
                    index,
                    null,
                    0,
                    0,
                    embedded,
                    null,
                    d.study(),
                    d.depositedAt(),
                    reason,
                    targets.stream()
                            .map(Target::index)
                            .filter(i -> !i.equals(index))
                            .toList());
            out.collect(BulkAction.barrier(Json.write(q), group));
        } finally {
            deleteRecursively(dir);
        }
    }

    private static List<Target> missing(List<Target> targets, Set<String> done) {
        return targets.stream().filter(t -> !done.contains(t.index())).toList();
    }

    /**
     * Where a deposit goes now: the index behind the cells alias (first), then every index marked as being
     * built. Read from OpenSearch for each deposit, so that the state lives in the aliases and survives any
     * restart. Before the first study there is no alias: the latest published model (else the configured one)
     * creates its index and the alias.
     */
    private List<Target> targets(ReadOnlyContext ctx) throws Exception {
        List<String> live = indexes.aliasTargets();
        if (live.isEmpty()) {
            LoadedModel first = bootstrapModel(ctx);
            String index = ensureIndexes(first);
            indexes.initAlias(index);
            live = indexes.aliasTargets();
        }
        if (ensured.add(indexes.studiesIndex())) {
            indexes.ensureStudiesIndex();
        }
        List<String> names = new ArrayList<>(live.subList(0, 1));
        for (String b : indexes.buildingTargets()) {
            if (!names.contains(b)) {
                names.add(b);
            }
        }
        List<Target> out = new ArrayList<>();
        for (String name : names) {
            out.add(new Target(name, modelFor(name, ctx)));
        }
        // models of indexes no longer written to are released
        Set<String> used = new HashSet<>();
        out.forEach(t -> used.add(t.model().version()));
        models.entrySet().removeIf(e -> {
            if (!used.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        return out;
    }

    /** The model that embeds for {@code index}: the version in its {@code _meta}, loaded once per task. */
    private LoadedModel modelFor(String index, ReadOnlyContext ctx) throws Exception {
        String version = indexVersions.get(index);
        if (version == null) {
            version = indexes.modelVersionOf(index);
            if (version == null) {
                version = versionByIndexName(index, ctx);
            }
            indexVersions.put(index, version);
        }
        LoadedModel m = models.get(version);
        if (m == null) {
            if (config.modelDir() != null && version.equals(configuredVersion)) {
                m = LoadedModel.load(Path.of(config.modelDir()), null, config);
            } else {
                Path dir = fetchModel(store, Path.of(config.workDir()), version);
                m = LoadedModel.load(dir, version, config);
            }
            models.put(version, m);
            LOG.info("loaded {} for {}", m, index);
        }
        return m;
    }

    /** For an index created without {@code _meta}: the configured or published model whose name it bears. */
    private String versionByIndexName(String index, ReadOnlyContext ctx) throws Exception {
        if (configuredVersion != null && indexes.cellsIndex(configuredVersion).equals(index)) {
            return configuredVersion;
        }
        String json = ctx.getBroadcastState(MODELS).get(CURRENT);
        if (json != null) {
            String v = Json.mapper().readValue(json, ModelPublished.class).modelVersion();
            if (indexes.cellsIndex(v).equals(index)) {
                return v;
            }
        }
        throw new AtlasException("cells index " + index + " carries no model version in its _meta and matches"
                + " neither the configured model nor the latest published one; re-create it with this version of"
                + " the pipeline or point the alias " + indexes.cellsAlias() + " at an index it created");
    }

    /** The model of the very first index: the latest published one, else the configured folder. */
    private LoadedModel bootstrapModel(ReadOnlyContext ctx) throws Exception {
        ReadOnlyBroadcastState<String, String> state = ctx.getBroadcastState(MODELS);
        String json = state.get(CURRENT);
        String version;
        if (json != null) {
            version = Json.mapper().readValue(json, ModelPublished.class).modelVersion();
        } else if (configuredVersion != null) {
            version = configuredVersion;
        } else {
            throw new AtlasException("no model to embed with: no ModelPublished on " + config.modelsTopic()
                    + " and no --atlas.model.dir; publish a model or configure a model folder");
        }
        LoadedModel m = models.get(version);
        if (m == null) {
            m = version.equals(configuredVersion) && json == null
                    ? LoadedModel.load(Path.of(config.modelDir()), null, config)
                    : LoadedModel.load(fetchModel(store, Path.of(config.workDir()), version), version, config);
            models.put(version, m);
        }
        return m;
    }

    private KeyedJson status(StudyDeposited d, String modelVersion, CellCounts progress) {
        StudyStatus s = new StudyStatus(
                1,
                StudyStatus.EVENT_TYPE,
                d.studyId(),
                d.depositVersion(),
                StudyState.INDEXING,
                Instant.now(),
                modelVersion,
                progress,
                null,
                null);
        return new KeyedJson(d.studyId(), Json.write(s));
    }

    private void deadLetter(
            ReadOnlyContext ctx, DepositEvent e, String studyId, String version, String message, String modelVersion) {
        DeadLetter dl = DeadLetter.of(
                studyId,
                version,
                SourceCoordinates.ofRecord(e.topic(), e.partition(), e.offset()),
                STAGE,
                ErrorKind.POISON,
                message,
                modelVersion,
                Instant.now());
        ctx.output(DEAD_LETTERS, new KeyedJson(studyId != null ? studyId : e.key(), Json.write(dl)));
    }

    /** Downloads {@code models/<version>/} once into the work folder (atomically renamed into place). */
    public static Path fetchModel(ObjectStore store, Path workDir, String version) throws IOException {
        Path dir = workDir.resolve("liveatlas-model-" + version);
        if (!Files.isDirectory(dir)) {
            Path tmp = workDir.resolve("liveatlas-model-" + UUID.randomUUID());
            store.downloadPrefix(ObjectLayout.modelPrefix(version), tmp);
            try {
                Files.move(tmp, dir);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                deleteRecursively(tmp);
            }
        }
        return dir;
    }

    private String ensureIndexes(LoadedModel m) throws IOException {
        String index = indexes.cellsIndex(m.version());
        if (ensured.add(index)) {
            indexes.ensureCellsIndex(m.version(), config.knn(m.latentDim()), config.knnEncoder());
            indexes.ensureStudiesIndex();
        }
        return index;
    }

    private Path download(StudyDeposited d, Path dir) {
        Path file = null;
        Path tenx = null;
        for (DepositedObject o : d.objects()) {
            if (o.format() == DataFormat.STUDY_JSON) {
                continue;
            }
            String rel = o.key().startsWith(d.prefix())
                    ? o.key().substring(d.prefix().length())
                    : o.key();
            Path target = dir.resolve(rel).normalize();
            if (!target.startsWith(dir)) {
                throw new PoisonInputException(
                        "study " + d.studyId() + ": object key " + o.key() + " escapes its folder");
            }
            store.download(o.key(), target);
            if (o.format() == DataFormat.H5AD || o.format() == DataFormat.TENX_H5) {
                file = file == null ? target : file;
            } else if (o.format() == DataFormat.TENX_MATRIX) {
                tenx = target.getParent();
            }
        }
        if (file != null) {
            return file;
        }
        if (tenx != null) {
            return tenx;
        }
        throw new PoisonInputException("study " + d.studyId() + " version " + d.depositVersion()
                + " lists no data file (.h5ad, 10x .h5 or matrix.mtx); deposit the counts with the study.json");
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + dir, e);
        }
    }

    @Override
    public void close() {
        if (models != null) {
            models.values().forEach(LoadedModel::close);
        }
        if (annotator != null) {
            annotator.close();
        }
        if (store != null) {
            store.close();
        }
        if (http != null) {
            http.close();
        }
    }
}
