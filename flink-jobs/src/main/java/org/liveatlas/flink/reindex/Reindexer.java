package org.liveatlas.flink.reindex;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.liveatlas.core.AtlasException;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.index.KeyedJson;
import org.liveatlas.flink.index.LoadedModel;
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
 * cells-<new>} by re-embedding every indexed study (reference studies first, so that the others are annotated
 * against them) from its files in the object store, then a SWAP barrier moves the alias once the sink has
 * acknowledged every document. Queries keep hitting the complete old index until then. If any study fails,
 * the alias stays where it is and the failure is logged with the study named.
 */
public final class Reindexer extends KeyedProcessFunction<String, KeyedJson, BulkAction> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(Reindexer.class);

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
    }

    private void rebuild(ModelPublished p, String target, Collector<BulkAction> out) throws Exception {
        Path work = Path.of(config.workDir());
        try (LoadedModel model =
                LoadedModel.load(StudyIndexer.fetchModel(store, work, p.modelVersion()), p.modelVersion(), config)) {
            indexes.ensureCellsIndex(model.version(), config.knn(model.latentDim()));
            List<String[]> studies = indexedStudies();
            LOG.info("re-indexing {} studies into {} with {}", studies.size(), target, model);
            int failed = 0;
            for (String[] s : studies) {
                String studyId = s[0];
                String version = s[1];
                Path dir = work.resolve("liveatlas-reindex-" + studyId + "-" + UUID.randomUUID());
                try {
                    StudyMetadata meta = Json.mapper()
                            .readValue(store.read(ObjectLayout.studyJsonKey(studyId)), StudyMetadata.class);
                    Path input = download(studyId, dir);
                    StudyEmbedding.run(model, annotator, target, meta, version, input, out::collect, (t, q, n) -> {});
                    out.collect(BulkAction.barrier(
                            Json.write(new ReindexBarrier(
                                    ReindexBarrier.Step.STUDY, target, model.version(), studyId, studies.size())),
                            null));
                } catch (PoisonInputException e) {
                    failed++;
                    LOG.error("re-indexing study {} into {} failed: {}", studyId, target, e.getMessage());
                } finally {
                    StudyIndexer.deleteRecursively(dir);
                }
            }
            if (failed > 0) {
                throw new AtlasException(failed + " of " + studies.size() + " studies could not be re-embedded with "
                        + model + "; the alias stays on the current index, see the log for each study");
            }
            out.collect(BulkAction.barrier(
                    Json.write(new ReindexBarrier(
                            ReindexBarrier.Step.SWAP, target, model.version(), null, studies.size())),
                    null));
        }
    }

    /** Study id and deposit version of every indexed study, reference studies first. */
    private List<String[]> indexedStudies() throws IOException {
        String q = "{\"size\":10000,\"query\":{\"term\":{\"state\":\"indexed\"}},"
                + "\"sort\":[{\"reference\":\"desc\"},{\"study_id\":\"asc\"}],"
                + "\"_source\":[\"study_id\",\"deposit_version\"]}";
        JsonNode r = http.require("POST", "/" + indexes.studiesIndex() + "/_search", q, "list indexed studies");
        List<String[]> out = new ArrayList<>();
        for (JsonNode hit : r.path("hits").path("hits")) {
            out.add(new String[] {
                hit.path("_source").path("study_id").asText(),
                hit.path("_source").path("deposit_version").asText()
            });
        }
        return out;
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
        if (store != null) {
            store.close();
        }
        if (http != null) {
            http.close();
        }
    }
}
