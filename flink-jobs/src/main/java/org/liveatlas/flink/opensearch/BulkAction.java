package org.liveatlas.flink.opensearch;

import java.util.Objects;

/**
 * One thing for the {@link OpenSearchSink} to do, in stream order: upsert a document (the id makes a replay
 * overwrite, never duplicate), delete one, or a barrier that runs once every earlier action of the same
 * writer has been acknowledged by OpenSearch (see {@link BarrierHandler}).
 *
 * @param kind what to do
 * @param index target index or alias
 * @param id document id (null for a barrier)
 * @param json document source for an upsert, payload for a barrier, null for a delete
 * @param group what acknowledged upserts are counted under (a study id), or null
 */
public record BulkAction(Kind kind, String index, String id, String json, String group) {
    /** What a {@link BulkAction} does. */
    public enum Kind {
        UPSERT,
        DELETE,
        BARRIER
    }

    public BulkAction {
        Objects.requireNonNull(kind, "bulk action kind");
        switch (kind) {
            case UPSERT -> {
                requireText(index, "index", kind);
                requireText(id, "id", kind);
                requireText(json, "document", kind);
            }
            case DELETE -> {
                requireText(index, "index", kind);
                requireText(id, "id", kind);
            }
            case BARRIER -> requireText(json, "payload", kind);
        }
    }

    /** Index (create or overwrite) document {@code id} in {@code index}. */
    public static BulkAction upsert(String index, String id, String json, String group) {
        return new BulkAction(Kind.UPSERT, index, id, json, group);
    }

    /** Delete document {@code id} from {@code index} (a missing document is not an error). */
    public static BulkAction delete(String index, String id) {
        return new BulkAction(Kind.DELETE, index, id, null, null);
    }

    /** A barrier carrying {@code payload} (JSON) for the {@link BarrierHandler}, counting acknowledgements of {@code group}. */
    public static BulkAction barrier(String payload, String group) {
        return new BulkAction(Kind.BARRIER, null, null, payload, group);
    }

    private static void requireText(String value, String name, Kind kind) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a " + kind + " bulk action needs a non-empty " + name);
        }
    }
}
