package org.liveatlas.flink.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a bulk answer strictly: every item is checked, none is assumed to have worked. An item failed with
 * 429 or 5xx is transient (to be retried); any other failure is poison (the document itself is wrong, so a
 * retry cannot help). A delete of a missing document (404 "not_found") counts as done.
 */
public final class BulkResponseInspector {
    /**
     * The verdict on one bulk answer.
     *
     * @param acknowledged request positions that OpenSearch accepted
     * @param transientFailures positions to send again
     * @param poison descriptions of the items that can never succeed
     */
    public record Verdict(List<Integer> acknowledged, List<Integer> transientFailures, List<String> poison) {
        public Verdict {
            acknowledged = List.copyOf(acknowledged);
            transientFailures = List.copyOf(transientFailures);
            poison = List.copyOf(poison);
        }
    }

    private BulkResponseInspector() {}

    /** Inspects the answer to a bulk request of {@code requested} actions. */
    public static Verdict inspect(JsonNode answer, int requested) {
        JsonNode items = answer.path("items");
        if (!items.isArray() || items.size() != requested) {
            throw new OpenSearchRequestException(
                    "bulk-index " + requested + " actions (the answer lists " + items.size() + " items)",
                    200,
                    answer.toString());
        }
        List<Integer> ok = new ArrayList<>();
        List<Integer> retry = new ArrayList<>();
        List<String> poison = new ArrayList<>();
        for (int i = 0; i < requested; i++) {
            JsonNode wrapper = items.get(i);
            String op = wrapper.fieldNames().hasNext() ? wrapper.fieldNames().next() : "?";
            JsonNode item = wrapper.path(op);
            int status = item.path("status").asInt(-1);
            JsonNode error = item.path("error");
            boolean failed = !error.isMissingNode() && !error.isNull();
            if (!failed && status >= 200 && status < 300) {
                ok.add(i);
            } else if ("delete".equals(op) && status == 404) {
                ok.add(i);
            } else if (RetryPolicy.isTransientStatus(status)) {
                retry.add(i);
            } else {
                poison.add(op + " " + item.path("_index").asText() + "/"
                        + item.path("_id").asText() + ": HTTP "
                        + status + " " + error.path("type").asText("") + ": "
                        + error.path("reason").asText(error.toString()));
            }
        }
        return new Verdict(ok, retry, poison);
    }
}
