package org.liveatlas.flink.opensearch;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * A tiny HTTP server standing in for OpenSearch's {@code _bulk} endpoint: it records every request body and
 * answers from a queue of scripted responses (status + body function of the request), the last repeating.
 */
final class FakeOpenSearch implements AutoCloseable {
    record Reply(int status, Function<String, String> body) {}

    private final HttpServer server;
    private final Deque<Reply> replies = new ArrayDeque<>();
    private final List<String> requests = new ArrayList<>();

    FakeOpenSearch() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Reply reply;
            synchronized (this) {
                requests.add(exchange.getRequestURI().getPath() + "\n" + body);
                reply = replies.size() > 1 ? replies.poll() : replies.peek();
            }
            byte[] out = reply.body().apply(body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized FakeOpenSearch then(int status, Function<String, String> body) {
        replies.add(new Reply(status, body));
        return this;
    }

    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    /** A bulk answer with one item per action line of {@code body}, statuses from {@code status(i)}. */
    static String bulkAnswer(String body, java.util.function.IntUnaryOperator status) {
        StringBuilder sb = new StringBuilder("{\"took\":1,\"errors\":false,\"items\":[");
        int i = 0;
        for (String line : body.split("\n")) {
            String op = line.startsWith("{\"index\"") ? "index" : line.startsWith("{\"delete\"") ? "delete" : null;
            if (op == null) {
                continue;
            }
            int s = status.applyAsInt(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"")
                    .append(op)
                    .append("\":{\"_index\":\"cells\",\"_id\":\"d")
                    .append(i)
                    .append("\",\"status\":")
                    .append(s);
            if (s >= 300) {
                String type = s == 400 ? "mapper_parsing_exception" : "es_rejected_execution_exception";
                sb.append(",\"error\":{\"type\":\"").append(type).append("\",\"reason\":\"scripted\"}");
            }
            sb.append("}}");
            i++;
        }
        return sb.append("]}").toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
