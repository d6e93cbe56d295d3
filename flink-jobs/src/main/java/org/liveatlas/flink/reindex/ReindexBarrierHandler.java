package org.liveatlas.flink.reindex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.liveatlas.core.TransientException;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.opensearch.BarrierHandler;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.schemas.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs when the sink has acknowledged everything before a re-indexing barrier (see {@link ReindexBarrier}):
 * after a study, removes its other versions from the building index and refreshes it; drops studies no longer
 * indexed; at the end verifies the building index against the studies index, moves the {@code cells} alias to
 * it in one atomic request, and keeps the index it left for {@code atlas.reindex.retain} before deleting it.
 */
public final class ReindexBarrierHandler implements BarrierHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ReindexBarrierHandler.class);
    private final PipelineConfig config;

    ReindexBarrierHandler(PipelineConfig config) {
        this.config = config;
    }

    public static BarrierHandler.Factory factory(PipelineConfig config) {
        return () -> new ReindexBarrierHandler(config);
    }

    @Override
    public void onBarrier(String payload, long acknowledged, OpenSearchHttp http) throws IOException {
        ReindexBarrier b = Json.mapper().readValue(payload, ReindexBarrier.class);
        IndexManager indexes = new IndexManager(http, config.indexPrefix());
        switch (b.step()) {
            case STUDY -> {
                deleteOtherVersions(indexes, b);
                indexes.refresh(b.index());
            }
            case DROP -> {
                ObjectNode q = Json.mapper().createObjectNode();
                q.putObject("term").put("study_id", b.studyId());
                long n = indexes.deleteMatching(b.index(), q);
                LOG.info("removed {} ({} documents) from {}: no longer indexed", b.studyId(), n, b.index());
            }
            case SWAP -> swap(indexes, http, b);
            default -> throw new IllegalStateException("unhandled step " + b.step());
        }
    }

    private static void deleteOtherVersions(IndexManager indexes, ReindexBarrier b) throws IOException {
        ObjectNode q = Json.mapper().createObjectNode();
        ObjectNode bool = q.putObject("bool");
        bool.putArray("filter").addObject().putObject("term").put("study_id", b.studyId());
        bool.putArray("must_not").addObject().putObject("term").put("deposit_version", b.depositVersion());
        indexes.deleteMatching(b.index(), q);
    }

    /**
     * Checks, right before moving the alias, that the new index holds every indexed study in its indexed
     * version and nothing else (a study that changed after the rebuild's last pass fails the task: the job
     * restarts and the next pass embeds it), then moves the alias and removes the building mark in one request,
     * marks the index it left as retired and deletes retired indexes past their retention.
     */
    private void swap(IndexManager indexes, OpenSearchHttp http, ReindexBarrier b) throws IOException {
        IndexedStudies.Atlas atlas = IndexedStudies.read(http, indexes);
        List<String> problems = RebuildPlan.missing(
                atlas.indexed(), atlas.notIndexed(), IndexedStudies.present(http, indexes, b.index()));
        if (!problems.isEmpty()) {
            throw new TransientException("not moving alias " + indexes.cellsAlias() + " to " + b.index()
                    + ": it does not match the indexed studies yet: " + problems
                    + "; the re-index restarts and embeds what is missing");
        }
        List<String> before = indexes.aliasTargets();
        indexes.swapAlias(b.index());
        Instant now = Instant.now();
        for (String old : before) {
            if (!old.equals(b.index())) {
                indexes.retire(old, now);
            }
        }
        LOG.info(
                "alias {} moved from {} to {} ({} studies, model {}); {} kept for {}",
                indexes.cellsAlias(),
                before,
                b.index(),
                b.studies(),
                b.modelVersion(),
                before,
                config.reindexRetain());
        indexes.deleteRetired(config.reindexRetain(), now);
    }
}
