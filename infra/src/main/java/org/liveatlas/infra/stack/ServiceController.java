package org.liveatlas.infra.stack;

import java.nio.file.Path;
import java.time.Duration;

/** Starts, checks and stops one service of the stack, embedded or external. */
public interface ServiceController {
    /** What {@link #start()} did. */
    enum StartOutcome {
        STARTED,
        ALREADY_RUNNING,
        EXTERNAL
    }

    ServiceName name();

    boolean external();

    String endpoint();

    /** Probes the service once. Never throws for a service that is down: that is a health result. */
    Health health();

    /** Starts the service unless it is external or already running. Does not wait for health. */
    StartOutcome start();

    /**
     * Waits until the service answers its health check.
     *
     * @throws StackException naming the service and quoting the tail of its log when the deadline
     *     passes or the process exits
     */
    void awaitHealthy(Duration timeout);

    /** Stops an embedded service: gracefully, then forcefully after the timeout. No-op when external. */
    void stop(Duration timeout);

    /** The log file of an embedded service. */
    Path logFile();
}
