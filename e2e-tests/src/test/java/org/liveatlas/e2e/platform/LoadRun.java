package org.liveatlas.e2e.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients against the query API, each in a loop until the time is up: a request kind drawn at
 * random (nearest search by cell ids 50%, radius search 10%, "where" by label 10%, studies 10%, annotation
 * of the demo's example file 20%), its status and latency recorded. A 429 is honoured (the client sleeps
 * its {@code Retry-After}) and counted, as a real client would.
 */
final class LoadRun {
    static final List<String> KINDS = List.of("nearest", "radius", "where", "studies", "annotate");

    private final String api;
    private final List<String> cells;
    private final byte[] upload;
    private final String boundary = "----liveatlas-load";
    private final int clients;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private LoadRun(String api, List<String> cells, byte[] upload, int clients) {
        this.api = api;
        this.cells = cells;
        this.upload = upload;
        this.clients = clients;
    }

    static LoadRun against(String api, List<String> cells, Path example, int clients) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + "----liveatlas-load" + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + example.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(example));
        body.write(("\r\n--" + "----liveatlas-load" + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return new LoadRun(api, cells, body.toByteArray(), clients);
    }

    /** What the clients got: per kind the statuses and the latencies of the answered requests. */
    record Report(
            int clients,
            Duration length,
            Map<String, Map<Integer, Long>> statuses,
            Map<String, List<Long>> micros,
            long transportErrors,
            long rateLimitedWithoutRetryAfter) {

        long serverErrors() {
            return statuses.values().stream()
                    .flatMap(m -> m.entrySet().stream())
                    .filter(e -> e.getKey() >= 500)
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }

        long succeeded(String kind) {
            return statuses.getOrDefault(kind, Map.of()).entrySet().stream()
                    .filter(e -> e.getKey() / 100 == 2)
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }

        String table() {
            StringBuilder b = new StringBuilder(String.format(
                    Locale.ROOT,
                    "%d clients for %d s: %d transport errors, %d 429s without Retry-After%n%-9s %8s %8s %8s %8s %10s %10s%n",
                    clients,
                    length.toSeconds(),
                    transportErrors,
                    rateLimitedWithoutRetryAfter,
                    "kind",
                    "requests",
                    "2xx",
                    "429",
                    "5xx",
                    "p50 ms",
                    "p99 ms"));
            for (String kind : KINDS) {
                Map<Integer, Long> s = statuses.getOrDefault(kind, Map.of());
                List<Long> t = new ArrayList<>(micros.getOrDefault(kind, List.of()));
                Collections.sort(t);
                long total = s.values().stream().mapToLong(Long::longValue).sum();
                long fives = s.entrySet().stream()
                        .filter(e -> e.getKey() >= 500)
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                b.append(String.format(
                        Locale.ROOT,
                        "%-9s %8d %8d %8d %8d %10.1f %10.1f%n",
                        kind,
                        total,
                        succeeded(kind),
                        s.getOrDefault(429, 0L),
                        fives,
                        percentile(t, 0.50) / 1000.0,
                        percentile(t, 0.99) / 1000.0));
            }
            return b.toString();
        }

        private static long percentile(List<Long> sorted, double q) {
            if (sorted.isEmpty()) {
                return 0;
            }
            int i = (int) Math.ceil(q * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }
    }

    Report run(Duration length) throws InterruptedException {
        Map<String, Map<Integer, Long>> statuses = new ConcurrentHashMap<>();
        Map<String, List<Long>> micros = new ConcurrentHashMap<>();
        AtomicLong transport = new AtomicLong();
        AtomicLong noRetryAfter = new AtomicLong();
        long end = System.nanoTime() + length.toNanos();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            SplittableRandom random = new SplittableRandom(c);
            Thread t = new Thread(
                    () -> {
                        try {
                            while (System.nanoTime() < end) {
                                String kind = draw(random);
                                long t0 = System.nanoTime();
                                HttpResponse<String> r;
                                try {
                                    r = http.send(request(kind, random), HttpResponse.BodyHandlers.ofString());
                                } catch (IOException e) {
                                    transport.incrementAndGet();
                                    System.err.println(kind + ": " + e);
                                    continue;
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    return;
                                }
                                long us = (System.nanoTime() - t0) / 1000;
                                statuses.computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
                                        .merge(r.statusCode(), 1L, Long::sum);
                                if (r.statusCode() >= 500) {
                                    System.err.println(kind + " -> " + r.statusCode() + ": " + r.body());
                                }
                                if (r.statusCode() == 429) {
                                    var retry = r.headers().firstValue("Retry-After");
                                    if (retry.isEmpty()) {
                                        noRetryAfter.incrementAndGet();
                                    } else {
                                        sleep(Math.min(
                                                5_000,
                                                1000
                                                        * Long.parseLong(
                                                                retry.get().trim())));
                                    }
                                } else {
                                    micros.computeIfAbsent(kind, k -> Collections.synchronizedList(new ArrayList<>()))
                                            .add(us);
                                }
                            }
                        } finally {
                            done.countDown();
                        }
                    },
                    "load-client-" + c);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        Map<String, Map<Integer, Long>> sorted = new TreeMap<>();
        statuses.forEach((k, v) -> sorted.put(k, new TreeMap<>(v)));
        return new Report(clients, length, sorted, micros, transport.get(), noRetryAfter.get());
    }

    private static String draw(SplittableRandom random) {
        int r = random.nextInt(100);
        return r < 50 ? "nearest" : r < 60 ? "radius" : r < 70 ? "where" : r < 80 ? "studies" : "annotate";
    }

    private HttpRequest request(String kind, SplittableRandom random) {
        String cell = cells.get(random.nextInt(cells.size()));
        return switch (kind) {
            case "nearest" -> json("/v1/search/nearest", "{\"cell_ids\": [\"" + cell + "\"], \"k\": 50}");
            case "radius" -> json("/v1/search/radius", "{\"cell_ids\": [\"" + cell + "\"], \"max_dist\": 0.05}");
            case "where" -> json("/v1/where", "{\"label\": \"B cell\"}");
            case "studies" -> HttpRequest.newBuilder(URI.create(api + "/v1/studies"))
                    .timeout(Duration.ofSeconds(120))
                    .GET()
                    .build();
            default -> HttpRequest.newBuilder(URI.create(api + "/v1/annotate"))
                    .timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload))
                    .build();
        };
    }

    private HttpRequest json(String path, String body) {
        return HttpRequest.newBuilder(URI.create(api + path))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
