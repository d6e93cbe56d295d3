package org.liveatlas.flink.reindex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.TransientException;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.index.KeyedJson;
import org.liveatlas.flink.index.LoadedModel;
import org.liveatlas.flink.index.LocalDeposit;
import org.liveatlas.flink.index.ReferenceAnnotator;
import org.liveatlas.flink.index.StudyEmbedding;
import org.liveatlas.flink.index.StudyIndexer;
import org.liveatlas.flink.opensearch.BulkAction;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.flink.store.ObjectStore;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.ModelPublished;
import org.liveatlas.schemas.store.ObjectLayout;
import org.liveatlas.schemas.study.StudyMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of ReindexJob: for a {@link ModelPublished} newer than any handled before, builds {@code
 * cells-<new>} blue/green: marks it as building (IndexStudyJob then writes new deposits into it as well as into
 * the live index), re-embeds every indexed study it lacks (reference studies first, so that the others are
 * annotated against them) from its files in the object store, pass after pass until it holds every indexed
 * study, then a SWAP barrier moves the alias once the sink has acknowledged every document. Queries keep hitting
 * the complete old index until then. If any study fails, the alias stays where it is and the failure names the
 * study. The index the alias left is deleted after {@code atlas.reindex.retain} (checked at every event and
 * by a timer).
 */
public final class Reindexer extends KeyedProcessFunction<String, KeyedJson, BulkAction> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Reindexer.class);
    private static final int MAX_PASSES = 20;

    private final PipelineConfig config;
    private transient ValueState<Long> lastPublished;
    private transient ObjectStore store;
    private transient OpenSearchHttp http;
    private transient IndexManager indexes;
    private transient ReferenceAnnotator annotator;

    public Reindexer(PipelineConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        lastPublished = getRuntimeContext().getState(new ValueStateDescriptor<>("last-published", Types.LONG));
        store = new ObjectStore(config.s3());
        http = OpenSearchHttp.connect(config.openSearch());
        indexes = new IndexManager(http, config.indexPrefix());
        annotator = new ReferenceAnnotator(
                http, config.voteK(), config.annotateBatch(), config.annotateExactMax(), config.retryPolicy());
    }

    @Override
    public void processElement(KeyedJson value, Context ctx, Collector<BulkAction> out) throws Exception {
        scheduleRetention(ctx.timerService(), indexes.deleteRetired(config.reindexRetain(), Instant.now()));
        ModelPublished p;
        try {
            p = Json.mapper().readValue(value.json(), ModelPublished.class);
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("ignoring a malformed ModelPublished under key {}: {}", value.key(), e.getMessage());
            return;
        }
        Long last = lastPublished.value();
        String target = indexes.cellsIndex(p.modelVersion());
        if ((last != null && p.publishedAt().toEpochMilli() <= last)
                || indexes.aliasTargets().contains(target)) {
            return;
        }
        rebuild(p, target, out);
        lastPublished.update(p.publishedAt().toEpochMilli());
        // the index the alias left expires after the retention: check then (and at every later event)
        ctx.timerService()
                .registerProcessingTimeTimer(Instant.now()
                        .plus(config.reindexRetain())
                        .plusSeconds(1)
                        .toEpochMilli());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<BulkAction> out) throws Exception {
        scheduleRetention(ctx.timerService(), indexes.deleteRetired(config.reindexRetain(), Instant.now()));
    }

    private static void scheduleRetention(TimerService timers, Optional<Instant> next) {
        next.ifPresent(t -> timers.registerProcessingTimeTimer(t.toEpochMilli() + 1000));
    }

    /**
     * Builds {@code target}: marks it as building first (from then on IndexStudyJob writes every new deposit
     * into it too), then re-embeds what it lacks until it holds every indexed study, then emits the swap. What
     * it lacks is derived from OpenSearch on each pass ({@link RebuildPlan}), so a restart resumes where the
     * index stands, and a deposit, new version or withdrawal that lands during the rebuild is caught by the
     * next pass.
     */
    private void rebuild(ModelPublished p, String target, Collector<BulkAction> out) throws Exception {
        Path work = Path.of(config.workDir());
        indexes.ensureCellsIndex(p.modelVersion(), config.knn(p.latentSize()), config.knnEncoder());
        indexes.ensureStudiesIndex();
        indexes.markBuilding(target);
        try (LoadedModel model =
                LoadedModel.load(StudyIndexer.fetchModel(store, work, p.modelVersion()), p.modelVersion(), config)) {
            if (model.latentDim() != p.latentSize()) {
                throw new AtlasException("model " + p.modelVersion() + " embeds into " + model.latentDim()
                        + " dimensions but its ModelPublished says " + p.latentSize()
                        + "; publish it again with the right latentSize");
            }
            Set<String> embedded = new HashSet<>();
            int studies = 0;
            for (int pass = 1; ; pass++) {
                IndexedStudies.Atlas atlas = IndexedStudies.read(http, indexes);
                List<RebuildPlan.Expected> expected = atlas.indexed();
                RebuildPlan plan = RebuildPlan.of(
                        expected, atlas.notIndexed(), IndexedStudies.present(http, indexes, target), embedded);
                studies = expected.size();
                if (plan.done()) {
                    break;
                }
                if (pass > MAX_PASSES) {
                    throw new TransientException("re-index into " + target + " still has "
                            + plan.embed().size()
                            + " studies to embed after " + MAX_PASSES + " passes (the atlas changes faster than"
                            + " it is rebuilt); the job restarts and resumes from what the index holds");
                }
                LOG.info(
                        "re-index into {} with {}, pass {}: {} of {} studies to embed, {} to drop",
                        target,
                        model,
                        pass,
                        plan.embed().size(),
                        expected.size(),
                        plan.drop().size());
                for (String study : plan.drop()) {
                    out.collect(BulkAction.barrier(
                            Json.write(new ReindexBarrier(
                                    ReindexBarrier.Step.DROP, target, model.version(), study, null, 0)),
                            null));
                }
                List<String> failed = new ArrayList<>();
                for (RebuildPlan.Expected s : plan.embed()) {
                    Path dir = work.resolve("liveatlas-reindex-" + s.studyId() + "-" + UUID.randomUUID());
                    try {
                        StudyMetadata meta = Json.mapper()
                                .readValue(store.read(ObjectLayout.studyJsonKey(s.studyId())), StudyMetadata.class);
                        Path input = download(s.studyId(), dir);
                        StudyEmbedding.run(
                                model,
                                annotator,
                                target,
                                meta,
                                s.depositVersion(),
                                input,
                                // indexed already: rebuilt as it was, its deposit-time checks are not repeated
                                StudyEmbedding.NamedColumns.WHERE_PRESENT,
                                null,
                                out::collect,
                                (t, q, n) -> {});
                        out.collect(BulkAction.barrier(
                                Json.write(new ReindexBarrier(
                                        ReindexBarrier.Step.STUDY,
                                        target,
                                        model.version(),
                                        s.studyId(),
                                        s.depositVersion(),
                                        expected.size())),
                                null));
                        embedded.add(s.key());
                    } catch (PoisonInputException e) {
                        failed.add(s.studyId());
                        LOG.error(
                                "re-indexing study {} into {} failed: {}",
                                s.studyId(),
                                target,
                                new LocalDeposit(dir, ObjectLayout.depositPrefix(s.studyId()))
                                        .withObjectKeys(e.getMessage()));
                    } finally {
                        StudyIndexer.deleteRecursively(dir);
                    }
                }
                if (!failed.isEmpty()) {
                    // given up for good (a replay would fail the same way): new deposits stop going to it
                    indexes.unmarkBuilding(target);
                    LOG.error(
                            "re-index into {} abandoned: {} of {} studies ({}) could not be re-embedded with {}; the"
                                    + " alias stays on {}, publish a model these studies fit",
                            target,
                            failed.size(),
                            expected.size(),
                            failed,
                            model,
                            indexes.aliasTargets());
                    return;
                }
            }
            out.collect(BulkAction.barrier(
                    Json.write(
                            new ReindexBarrier(ReindexBarrier.Step.SWAP, target, model.version(), null, null, studies)),
                    null));
        }
    }

    /** Downloads the study's data files; returns the file or 10x folder to open. */
    private Path download(String studyId, Path dir) throws IOException {
        String prefix = ObjectLayout.depositPrefix(studyId);
        Path file = null;
        Path tenx = null;
        for (String key : store.list(prefix)) {
            String rel = key.substring(prefix.length());
            if (rel.equals(ObjectLayout.STUDY_JSON)) {
                continue;
            }
            Path target = dir.resolve(rel).normalize();
            if (!target.startsWith(dir)) {
                continue;
            }
            store.download(key, target);
            String name = target.getFileName().toString();
            if (name.endsWith(".h5ad") || name.endsWith(".h5")) {
                file = file == null ? target : file;
            } else if (name.startsWith("matrix.mtx")) {
                tenx = target.getParent();
            }
        }
        Files.createDirectories(dir);
        if (file != null) {
            return file;
        }
        if (tenx != null) {
            return tenx;
        }
        throw new PoisonInputException("study " + studyId + ": no data file under " + prefix);
    }

    @Override
    public void close() {
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
