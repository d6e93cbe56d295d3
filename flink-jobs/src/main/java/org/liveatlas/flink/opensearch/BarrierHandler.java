package org.liveatlas.flink.opensearch;

import java.io.IOException;
import java.io.Serializable;

/**
 * What a sink writer does at a {@link BulkAction.Kind#BARRIER}: called once every action written before the
 * barrier has been acknowledged by OpenSearch, so it may publish "done" to the world. Runs on the task
 * thread; an exception fails the task (and the job restarts from its last checkpoint).
 */
public interface BarrierHandler extends AutoCloseable {

    /**
     * @param payload the barrier's JSON payload
     * @param acknowledgedInGroup upserts of the barrier's group acknowledged since that group's previous barrier
     * @param http the writer's connection, for follow-up requests (delete-by-query, refresh)
     */
    void onBarrier(String payload, long acknowledgedInGroup, OpenSearchHttp http) throws IOException;

    @Override
    default void close() {}

    /** Builds a handler in each writer; serialisable so that Flink can ship it. */
    @FunctionalInterface
    interface Factory extends Serializable {
        BarrierHandler create();
    }

    /** A factory of handlers that ignore barriers. */
    static Factory none() {
        return () -> (payload, acknowledged, http) -> {};
    }
}
