package org.liveatlas.flink.opensearch;

import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A Flink Sink V2 writing {@link BulkAction}s to OpenSearch with bulk requests.
 *
 * <p>Guarantees: at-least-once delivery (every buffered action is sent and acknowledged in {@code
 * flush()}, which Flink calls before each checkpoint, so a completed checkpoint implies the actions before
 * it are durable), and with id-addressed upserts an exactly-once effect. Every item of every bulk answer is
 * checked: a poison item fails the task with a {@link org.liveatlas.core.PoisonInputException}, transient
 * failures are retried per {@link RetryPolicy} and then fail with a {@link
 * org.liveatlas.core.TransientException}. At most {@code maxBufferedActions} actions (or {@code
 * maxBufferedBytes}) wait in a writer, and one bulk request is in flight at a time, so a slow cluster
 * back-pressures the job instead of growing a buffer.
 */
public final class OpenSearchSink implements Sink<BulkAction> {
    private static final long serialVersionUID = 1L;

    private final OpenSearchEndpoint endpoint;
    private final int maxBufferedActions;
    private final long maxBufferedBytes;
    private final RetryPolicy retry;
    private final BarrierHandler.Factory barrierHandler;

    private OpenSearchSink(Builder b) {
        this.endpoint = b.endpoint;
        this.maxBufferedActions = b.maxBufferedActions;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.retry = b.retry;
        this.barrierHandler = b.barrierHandler;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SinkWriter<BulkAction> createWriter(WriterInitContext context) {
        return new OpenSearchSinkWriter(
                OpenSearchHttp.connect(endpoint), maxBufferedActions, maxBufferedBytes, retry, barrierHandler.create());
    }

    /** Builds an {@link OpenSearchSink}; every setter checks its argument, {@link #build()} the required ones. */
    public static final class Builder {
        private OpenSearchEndpoint endpoint;
        private int maxBufferedActions = 1000;
        private long maxBufferedBytes = 8L << 20;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private BarrierHandler.Factory barrierHandler = BarrierHandler.none();

        private Builder() {}

        /** Required: the cluster to write to. */
        public Builder endpoint(OpenSearchEndpoint value) {
            this.endpoint = Objects.requireNonNull(value, "endpoint must not be null");
            return this;
        }

        /** Actions buffered before a bulk request is sent (default 1,000); 1 to 100,000. */
        public Builder maxBufferedActions(int value) {
            if (value < 1 || value > 100_000) {
                throw new IllegalArgumentException("maxBufferedActions must be in 1..100000, got " + value);
            }
            this.maxBufferedActions = value;
            return this;
        }

        /** Bytes of document JSON buffered before a bulk request is sent (default 8 MiB); at least 1 KiB. */
        public Builder maxBufferedBytes(long value) {
            if (value < 1024) {
                throw new IllegalArgumentException("maxBufferedBytes must be at least 1024, got " + value);
            }
            this.maxBufferedBytes = value;
            return this;
        }

        /** How transient failures are retried (default {@link RetryPolicy#DEFAULT}). */
        public Builder retryPolicy(RetryPolicy value) {
            this.retry = Objects.requireNonNull(value, "retryPolicy must not be null");
            return this;
        }

        /** What runs at each barrier (default: nothing). */
        public Builder barrierHandler(BarrierHandler.Factory value) {
            this.barrierHandler = Objects.requireNonNull(value, "barrierHandler must not be null");
            return this;
        }

        public OpenSearchSink build() {
            if (endpoint == null) {
                throw new IllegalStateException("OpenSearchSink needs an endpoint; call endpoint(...)");
            }
            return new OpenSearchSink(this);
        }
    }
}
