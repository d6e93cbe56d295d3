package org.liveatlas.flink.reindex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.schemas.Json;

/**
 * What the atlas should hold and what a cells index does hold, both read from OpenSearch (so a rebuild that
 * restarts derives where it stands instead of trusting memory): the studies in state {@code indexed} from the
 * studies index, and the documents per study and deposit version of a cells index.
 */
final class IndexedStudies {
    private IndexedStudies() {}

    /**
     * The studies index read whole: every study in state {@code indexed}, reference studies first (others are
     * annotated against them), and the studies it knows in any other state (withdrawn, quarantined; a study in
     * neither is a first deposit still in flight).
     */
    record Atlas(List<RebuildPlan.Expected> indexed, Set<String> notIndexed) {}

    static Atlas read(OpenSearchHttp http, IndexManager indexes) throws IOException {
        List<RebuildPlan.Expected> out = new ArrayList<>();
        Set<String> notIndexed = new HashSet<>();
        JsonNode after = null;
        while (true) {
            ObjectNode q = Json.mapper().createObjectNode();
            q.put("size", 1000);
            q.putObject("query").putObject("match_all");
            q.putArray("sort").add("study_id");
            q.putArray("_source")
                    .add("study_id")
                    .add("deposit_version")
                    .add("cells_indexed")
                    .add("reference")
                    .add("state");
            if (after != null) {
                q.set("search_after", after);
            }
            JsonNode hits = http.require(
                            "POST", "/" + indexes.studiesIndex() + "/_search", Json.write(q), "list indexed studies")
                    .path("hits")
                    .path("hits");
            for (JsonNode hit : hits) {
                JsonNode s = hit.path("_source");
                after = hit.path("sort");
                if (!s.path("state").asText().equals("indexed")) {
                    notIndexed.add(s.path("study_id").asText());
                    continue;
                }
                out.add(new RebuildPlan.Expected(
                        s.path("study_id").asText(),
                        s.path("deposit_version").asText(),
                        s.path("cells_indexed").asLong(),
                        s.path("reference").asBoolean()));
            }
            if (hits.size() < 1000) {
                break;
            }
        }
        out.sort((a, b) -> Boolean.compare(b.reference(), a.reference()));
        return new Atlas(out, notIndexed);
    }

    /** Study id to (deposit version to document count) in {@code index}, after a refresh. */
    static Map<String, Map<String, Long>> present(OpenSearchHttp http, IndexManager indexes, String index)
            throws IOException {
        indexes.refresh(index);
        Map<String, Map<String, Long>> out = new HashMap<>();
        JsonNode after = null;
        while (true) {
            ObjectNode q = Json.mapper().createObjectNode();
            q.put("size", 0);
            ObjectNode composite =
                    q.putObject("aggs").putObject("s").putObject("composite").put("size", 1000);
            ArrayNode sources = composite.putArray("sources");
            sources.addObject().putObject("study").putObject("terms").put("field", "study_id");
            sources.addObject().putObject("version").putObject("terms").put("field", "deposit_version");
            if (after != null) {
                composite.set("after", after);
            }
            JsonNode agg = http.require("POST", "/" + index + "/_search", Json.write(q), "count studies in " + index)
                    .path("aggregations")
                    .path("s");
            for (JsonNode bucket : agg.path("buckets")) {
                out.computeIfAbsent(bucket.path("key").path("study").asText(), k -> new HashMap<>())
                        .put(
                                bucket.path("key").path("version").asText(),
                                bucket.path("doc_count").asLong());
            }
            after = agg.path("after_key");
            if (agg.path("buckets").size() < 1000 || after.isMissingNode()) {
                break;
            }
        }
        return out;
    }
}
