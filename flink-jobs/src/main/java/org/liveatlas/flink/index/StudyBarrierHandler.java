package org.liveatlas.flink.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.liveatlas.core.TransientException;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.opensearch.BarrierHandler;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.events.CellCounts;
import org.liveatlas.schemas.events.StudyState;
import org.liveatlas.schemas.events.StudyStatus;
import org.liveatlas.schemas.study.StudyMetadata;

/**
 * Concludes a study version once the sink has every document before its barrier: removes the cells of older
 * versions (or of a withdrawn or quarantined version), refreshes the index so the study is searchable,
 * records the study in the studies index, and only then publishes the final {@link StudyStatus} (indexed with
 * the acknowledged count, withdrawn, quarantined) to {@code atlas.study-status}.
 */
public final class StudyBarrierHandler implements BarrierHandler {
    private final PipelineConfig config;
    private KafkaProducer<byte[], byte[]> producer;

    StudyBarrierHandler(PipelineConfig config) {
        this.config = config;
    }

    /** A serialisable factory for the sink. */
    public static BarrierHandler.Factory factory(PipelineConfig config) {
        return () -> new StudyBarrierHandler(config);
    }

    @Override
    public void onBarrier(String payload, long acknowledged, OpenSearchHttp http) throws IOException {
        StudyBarrier b = Json.mapper().readValue(payload, StudyBarrier.class);
        IndexManager indexes = new IndexManager(http, config.indexPrefix());
        StudyStatus status;
        switch (b.outcome()) {
            case INDEXED -> {
                for (String index : b.writtenIndexes()) {
                    deleteCells(indexes, index, b.studyId(), b.depositVersion(), false);
                    indexes.refresh(index);
                }
                requireLive(indexes, b);
                CellCounts counts =
                        new CellCounts(b.cellsTotal(), b.cellsRead(), b.cellsKept(), b.cellsEmbedded(), acknowledged);
                status = new StudyStatus(
                        1,
                        StudyStatus.EVENT_TYPE,
                        b.studyId(),
                        b.depositVersion(),
                        StudyState.INDEXED,
                        Instant.now(),
                        b.modelVersion(),
                        null,
                        counts,
                        null);
                putStudy(http, indexes, b, status, counts);
                // checked again after the studies document says indexed: a swap after this check sees the
                // study listed and, finding it missing from the new index, refuses to move the alias
                requireLive(indexes, b);
            }
            case QUARANTINED -> {
                for (String index : b.writtenIndexes()) {
                    deleteCells(indexes, index, b.studyId(), b.depositVersion(), true);
                }
                status = StudyStatus.quarantined(b.studyId(), b.depositVersion(), b.reason(), Instant.now());
                putStudy(http, indexes, b, status, null);
            }
            case WITHDRAWN -> {
                deleteCells(indexes, indexes.allCellsIndexes(), b.studyId(), null, false);
                status = StudyStatus.simple(b.studyId(), b.depositVersion(), StudyState.WITHDRAWN, Instant.now());
                ObjectNode partial = Json.mapper().createObjectNode();
                partial.putObject("doc")
                        .put("state", "withdrawn")
                        .put("state_time", status.time().toString())
                        .put("reason", b.reason());
                http.send(
                        "POST",
                        "/" + indexes.studiesIndex() + "/_update/" + b.studyId() + "?refresh=true",
                        Json.write(partial));
            }
            default -> throw new IllegalStateException("unhandled outcome " + b.outcome());
        }
        publish(b.studyId(), Json.write(status));
    }

    /**
     * A study version is only declared indexed if the index queries use holds it. When a re-index moved the
     * alias while this version was written elsewhere (it started before the rebuild was marked), the task fails
     * transiently: the job restarts from its last checkpoint, which precedes this deposit, and indexes it again,
     * now into the live index.
     */
    private static void requireLive(IndexManager indexes, StudyBarrier b) throws IOException {
        List<String> live = indexes.aliasTargets();
        if (!live.isEmpty() && b.writtenIndexes().stream().noneMatch(live::contains)) {
            throw new TransientException("study " + b.studyId() + " version " + b.depositVersion()
                    + " was written to " + b.writtenIndexes() + " but the alias " + indexes.cellsAlias()
                    + " moved to " + live + " meanwhile (a re-index swapped it); the job restarts from its last"
                    + " checkpoint and indexes the study into the live index");
        }
    }

    /** Deletes the study's cells: of {@code version} only ({@code onlyThatVersion}), or of every other version. */
    private static void deleteCells(
            IndexManager indexes, String index, String studyId, String version, boolean onlyThatVersion)
            throws IOException {
        ObjectNode bool = Json.mapper().createObjectNode();
        ObjectNode inner = bool.putObject("bool");
        inner.putArray("filter").addObject().putObject("term").put("study_id", studyId);
        if (version != null) {
            ObjectNode term = Json.mapper().createObjectNode();
            term.putObject("term").put("deposit_version", version);
            (onlyThatVersion ? inner.withArray("filter") : inner.putArray("must_not")).add(term);
        }
        indexes.deleteMatching(index, bool);
    }

    private static void putStudy(
            OpenSearchHttp http, IndexManager indexes, StudyBarrier b, StudyStatus status, CellCounts counts)
            throws IOException {
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("study_id", b.studyId());
        doc.put("deposit_version", b.depositVersion());
        StudyMetadata m = b.study();
        if (m != null) {
            doc.put("title", m.title());
            putIfPresent(doc, "description", m.description());
            doc.put("organism", m.organism());
            putIfPresent(doc, "tissue", m.tissue());
            putIfPresent(doc, "disease", m.disease());
            putIfPresent(doc, "assay", m.assay());
            doc.put("reference", m.reference());
            doc.put("visibility", Json.tree(m.visibility()).asText());
            putIfPresent(doc, "owner_group", m.ownerGroup());
        }
        doc.put("state", Json.tree(status.state()).asText());
        doc.put("state_time", status.time().toString());
        putIfPresent(doc, "reason", status.reason());
        if (b.depositedAt() != null) {
            doc.put("deposited_at", b.depositedAt().toString());
        }
        putIfPresent(doc, "model_version", b.modelVersion());
        if (counts != null) {
            if (counts.cellsTotal() != null) {
                doc.put("cells_total", counts.cellsTotal());
            }
            doc.put("cells_read", counts.cellsRead());
            doc.put("cells_kept", counts.cellsKept());
            doc.put("cells_embedded", counts.cellsEmbedded());
            doc.put("cells_indexed", counts.cellsIndexed());
        }
        if (b.qc() != null) {
            doc.set("qc", Json.tree(b.qc()));
        }
        http.require(
                "PUT",
                "/" + indexes.studiesIndex() + "/_doc/" + b.studyId() + "?refresh=true",
                Json.write(doc),
                "record study " + b.studyId());
    }

    private static void putIfPresent(ObjectNode d, String field, String value) {
        if (value != null) {
            d.put(field, value);
        }
    }

    private void publish(String key, String json) {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    config.kafkaBootstrap(),
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    true,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    ByteArraySerializer.class));
        }
        try {
            producer.send(new ProducerRecord<>(
                            config.statusTopic(),
                            key.getBytes(StandardCharsets.UTF_8),
                            json.getBytes(StandardCharsets.UTF_8)))
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while publishing the status of " + key, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TransientException(
                    "cannot publish the status of study " + key + " to " + config.statusTopic() + " at "
                            + config.kafkaBootstrap() + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
