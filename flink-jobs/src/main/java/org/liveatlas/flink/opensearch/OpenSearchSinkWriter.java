package org.liveatlas.flink.opensearch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.liveatlas.core.PoisonInputException;
import org.liveatlas.core.TransientException;
import org.liveatlas.schemas.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The writer of {@link OpenSearchSink}: buffers actions, sends them as bulk requests (one in flight), inspects every item. */
final class OpenSearchSinkWriter implements SinkWriter<BulkAction> {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSearchSinkWriter.class);

    private final OpenSearchHttp http;
    private final int maxActions;
    private final long maxBytes;
    private final RetryPolicy retry;
    private final BarrierHandler barrierHandler;
    private final List<BulkAction> buffer = new ArrayList<>();
    private final Map<String, Long> acknowledged = new HashMap<>();
    private long bufferedBytes;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "opensearch-bulk-sender");
        t.setDaemon(true);
        return t;
    });
    private Future<Void> inFlight;

    OpenSearchSinkWriter(
            OpenSearchHttp http, int maxActions, long maxBytes, RetryPolicy retry, BarrierHandler barrierHandler) {
        this.http = http;
        this.maxActions = maxActions;
        this.maxBytes = maxBytes;
        this.retry = retry;
        this.barrierHandler = barrierHandler;
    }

    @Override
    public void write(BulkAction action, Context context) throws IOException, InterruptedException {
        if (action.kind() == BulkAction.Kind.BARRIER) {
            sendBuffered();
            awaitInFlight();
            long acked;
            synchronized (acknowledged) {
                acked = action.group() == null ? 0 : acknowledged.getOrDefault(action.group(), 0L);
                if (action.group() != null) {
                    acknowledged.remove(action.group());
                }
            }
            barrierHandler.onBarrier(action.json(), acked, http);
            return;
        }
        buffer.add(action);
        bufferedBytes += action.json() == null ? 64 : action.json().length() + 64;
        if (buffer.size() >= maxActions || bufferedBytes >= maxBytes) {
            sendBuffered();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        sendBuffered();
        awaitInFlight();
    }

    /**
     * Hands the buffer to the sender thread, first waiting for the bulk request already in flight: at most
     * one request in flight and one buffer filling, so OpenSearch indexes while the task prepares the next
     * batch, and a slow cluster blocks the task (back-pressure) instead of growing a queue.
     */
    void sendBuffered() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        awaitInFlight();
        List<BulkAction> pending = new ArrayList<>(buffer);
        buffer.clear();
        bufferedBytes = 0;
        inFlight = sender.submit(() -> {
            send(pending);
            return null;
        });
    }

    /** Waits for the request in flight; its failure (poison, transient after retries) is rethrown here. */
    void awaitInFlight() throws IOException, InterruptedException {
        if (inFlight == null) {
            return;
        }
        Future<Void> f = inFlight;
        inFlight = null;
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IOException(c);
        }
    }

    /** Sends {@code pending}, retrying transient failures; returns only when all of it is acknowledged. */
    private void send(List<BulkAction> pending) throws IOException, InterruptedException {
        int attempt = 0;
        while (true) {
            String failure;
            List<BulkAction> again;
            try {
                OpenSearchHttp.Answer answer = http.sendNdjson("POST", "/_bulk", ndjson(pending));
                if (answer.ok()) {
                    BulkResponseInspector.Verdict v = BulkResponseInspector.inspect(answer.body(), pending.size());
                    if (!v.poison().isEmpty()) {
                        throw new PoisonInputException(v.poison().size() + " of " + pending.size()
                                + " bulk actions were rejected by OpenSearch at " + http.url() + " (first: "
                                + v.poison().get(0)
                                + "); the documents do not fit the index mapping, fix the producer or the mapping");
                    }
                    for (int i : v.acknowledged()) {
                        BulkAction a = pending.get(i);
                        if (a.kind() == BulkAction.Kind.UPSERT && a.group() != null) {
                            synchronized (acknowledged) {
                                acknowledged.merge(a.group(), 1L, Long::sum);
                            }
                        }
                    }
                    if (v.transientFailures().isEmpty()) {
                        return;
                    }
                    again = new ArrayList<>();
                    for (int i : v.transientFailures()) {
                        again.add(pending.get(i));
                    }
                    failure = again.size() + " items answered 429/5xx";
                } else if (RetryPolicy.isTransientStatus(answer.status())) {
                    again = pending;
                    failure = "HTTP " + answer.status();
                } else {
                    throw new OpenSearchRequestException(
                            "bulk-index " + pending.size() + " actions",
                            answer.status(),
                            answer.body().toString());
                }
            } catch (IOException e) {
                again = pending;
                failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            attempt++;
            if (attempt > retry.maxRetries()) {
                throw new TransientException("OpenSearch at " + http.url() + " still failing after "
                        + retry.maxRetries() + " retries of a bulk request (" + failure
                        + "); check the cluster's health, the job restarts from its last checkpoint");
            }
            LOG.warn(
                    "bulk request to {} failed ({}), retry {} of {} in {}",
                    http.url(),
                    failure,
                    attempt,
                    retry.maxRetries(),
                    retry.backoff(attempt));
            Thread.sleep(retry.backoff(attempt).toMillis());
            pending = again;
        }
    }

    static String ndjson(List<BulkAction> actions) {
        StringBuilder sb = new StringBuilder(actions.size() * 1024);
        for (BulkAction a : actions) {
            ObjectNode meta = Json.mapper().createObjectNode();
            ObjectNode op = meta.putObject(a.kind() == BulkAction.Kind.UPSERT ? "index" : "delete");
            op.put("_index", a.index());
            op.put("_id", a.id());
            sb.append(meta).append('\n');
            if (a.kind() == BulkAction.Kind.UPSERT) {
                sb.append(a.json()).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        sender.shutdownNow();
        try {
            barrierHandler.close();
        } finally {
            http.close();
        }
    }
}
