package org.liveatlas.flink.reindex;

import java.io.IOException;
import java.util.List;
import org.liveatlas.flink.config.PipelineConfig;
import org.liveatlas.flink.opensearch.BarrierHandler;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.schemas.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs when the sink has acknowledged everything before a re-indexing barrier: refreshes the building index
 * after each study; at the end moves the {@code cells} alias to it in one atomic request and deletes the
 * cells indexes older than the one it replaced (that one is kept for rollback until the next swap).
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
        indexes.refresh(b.index());
        if (b.step() != ReindexBarrier.Step.SWAP) {
            return;
        }
        List<String> before = indexes.aliasTargets();
        indexes.swapAlias(b.index());
        LOG.info(
                "alias {} moved from {} to {} ({} studies, model {})",
                indexes.cellsAlias(),
                before,
                b.index(),
                b.studies(),
                b.modelVersion());
        JsonIndexes all = JsonIndexes.list(http, indexes.allCellsIndexes());
        for (String old : all.names()) {
            if (!old.equals(b.index()) && !before.contains(old) && all.createdBefore(old, before)) {
                indexes.deleteIndex(old);
                LOG.info("deleted old cells index {}", old);
            }
        }
    }

    /** Cells indexes with their creation times, to tell which are older than the one kept for rollback. */
    record JsonIndexes(java.util.Map<String, Long> created) {
        static JsonIndexes list(OpenSearchHttp http, String pattern) throws IOException {
            OpenSearchHttp.Answer a = http.send(
                    "GET",
                    "/" + pattern + "/_settings/index.creation_date",
                    java.util.Map.of("allow_no_indices", "true"),
                    null,
                    "application/json");
            java.util.Map<String, Long> out = new java.util.HashMap<>();
            if (a.ok()) {
                a.body()
                        .fields()
                        .forEachRemaining(e -> out.put(
                                e.getKey(),
                                e.getValue()
                                        .path("settings")
                                        .path("index")
                                        .path("creation_date")
                                        .asLong()));
            }
            return new JsonIndexes(out);
        }

        List<String> names() {
            return List.copyOf(created.keySet());
        }

        boolean createdBefore(String index, List<String> kept) {
            long t = created.getOrDefault(index, Long.MAX_VALUE);
            return kept.stream().allMatch(k -> t < created.getOrDefault(k, Long.MIN_VALUE));
        }
    }
}
