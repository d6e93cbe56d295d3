package org.liveatlas.flink.config;

/** Where a job's {@code main} runs it. */
public enum FlinkMode {
    /** An in-process MiniCluster (tests, one-off runs). */
    LOCAL,
    /** The session cluster that {@code ./atlas up} starts (its REST endpoint). */
    EMBEDDED,
    /** Any Flink cluster's REST endpoint. */
    CLUSTER
}
