package org.liveatlas.query.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.hc.core5.http.HttpHost;
import org.liveatlas.core.search.BruteForceSearch;
import org.liveatlas.core.search.Distances;
import org.liveatlas.core.search.Hit;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.SearchFilters;
import org.liveatlas.query.security.Caller;
import org.liveatlas.query.testing.AtlasTestResource;
import org.liveatlas.schemas.index.IndexMappings;
import org.liveatlas.schemas.index.KnnSettings;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * Benchmark (not a test): p50/p99 latency and throughput of the API's nearest-cell k-NN query (k = 50,
 * with the visibility filter inside, as every API query has it) over N indexed cells, and its
 * recall@k against an exact search computed in the same run.
 *
 * <p>Vectors: N unit vectors around 200 cluster centres in 128 dimensions (cell types in an embedding
 * space). Usage: {@code NearestSearchBenchmark [cells=100000] [queries=300] [k=50] [opensearch-url]};
 * without a URL it starts an embedded OpenSearch on free ports in a temporary folder.
 */
public final class NearestSearchBenchmark {
    private NearestSearchBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        AtlasStack stack = null;
        Path dir = null;
        String url;
        if (args.length > 3) {
            url = args[3];
        } else {
            // world-searchable: OpenSearch runs as an unprivileged uid when started by root
            dir = Files.createTempDirectory(
                    "liveatlas-bench-",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
            stack = new AtlasStack(AtlasTestResource.benchStackConfig(dir), EnumSet.of(ServiceName.OPENSEARCH));
            stack.up(System.out::println);
            url = stack.endpoints().openSearchUrl();
        }
        try {
            run(url, n, queries, k);
        } finally {
            if (stack != null) {
                stack.down(line -> {});
            }
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    static void run(String url, int n, int queries, int k) throws Exception {
        int dim = 128;
        SplittableRandom rnd = new SplittableRandom(42);
        float[][] centres = new float[200][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = gaussian(rnd, dim, 1.0);
        }
        float[][] cells = new float[n][];
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = gaussian(rnd, dim, 0.35);
            float[] c = centres[rnd.nextInt(centres.length)];
            for (int d = 0; d < dim; d++) {
                v[d] += c[d];
            }
            cells[i] = Distances.normalise(v);
            ids.add("bench:" + i);
        }
        String index = "cells-bench";
        HttpClient http = HttpClient.newHttpClient();
        http.send(
                HttpRequest.newBuilder(URI.create(url + "/" + index)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        send(
                http,
                "PUT",
                url + "/" + index,
                IndexMappings.cellsIndex(KnnSettings.defaults(dim)).toString());
        long t0 = System.nanoTime();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < n; i++) {
            bulk.append("{\"index\":{\"_index\":\"")
                    .append(index)
                    .append("\",\"_id\":\"")
                    .append(ids.get(i))
                    .append("\"}}\n");
            bulk.append(
                    "{\"study_id\":\"bench\",\"visibility\":\"public\",\"reference\":true,\"author_label\":\"c\",\"embedding\":");
            bulk.append(Arrays.toString(cells[i])).append("}\n");
            if ((i + 1) % 2000 == 0 || i == n - 1) {
                send(http, "POST", url + "/_bulk", bulk.toString());
                bulk.setLength(0);
            }
        }
        send(http, "POST", url + "/" + index + "/_refresh", "");
        send(http, "POST", url + "/" + index + "/_forcemerge?max_num_segments=1", "");
        System.out.printf(
                Locale.ROOT, "indexed %,d cells in %.1f s (with force-merge)%n", n, (System.nanoTime() - t0) / 1e9);

        OpenSearchClient client = new OpenSearchClient(ApacheHttpClient5TransportBuilder.builder(HttpHost.create(url))
                .setMapper(new JacksonJsonpMapper())
                .build());
        Query filter = CellIndex.filter(Caller.anonymous(), SearchFilters.none(), false, null);
        BruteForceSearch exact = new BruteForceSearch(ids, cells, 2);
        // warm-up
        for (int i = 0; i < 30; i++) {
            search(client, index, cells[rnd.nextInt(n)], k, filter);
        }
        long[] latencies = new long[queries];
        double recall = 0;
        long start = System.nanoTime();
        for (int q = 0; q < queries; q++) {
            float[] v = Distances.normalise(jitter(cells[rnd.nextInt(n)], rnd));
            long s = System.nanoTime();
            List<String> got = search(client, index, v, k, filter);
            latencies[q] = System.nanoTime() - s;
            Set<String> truth = new HashSet<>();
            for (Hit h : exact.nearest(v, k)) {
                truth.add(h.id());
            }
            long overlap = got.stream().filter(truth::contains).count();
            recall += (double) overlap / k;
        }
        double wall = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        System.out.printf(
                Locale.ROOT,
                "nearest k=%d over %,d cells, %d queries: p50 %.1f ms, p99 %.1f ms, recall@%d %.4f (lucene HNSW m=%d,"
                        + " ef_construction=%d, ef_search=k)%n",
                k,
                n,
                queries,
                latencies[queries / 2] / 1e6,
                latencies[(int) Math.ceil(queries * 0.99) - 1] / 1e6,
                k,
                recall / queries,
                KnnSettings.DEFAULT_M,
                KnnSettings.DEFAULT_EF_CONSTRUCTION);
        System.out.printf(Locale.ROOT, "(the timed loop also ran the exact search: %.1f s wall)%n", wall);
        int threads = 4;
        int perThread = 100;
        long tp0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(Thread.currentThread().getId());
                for (int i = 0; i < perThread; i++) {
                    search(client, index, cells[r.nextInt(n)], k, filter);
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        double secs = (System.nanoTime() - tp0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "throughput with %d client threads: %.0f queries/s%n",
                threads,
                threads * perThread / secs);
        client._transport().close();
    }

    static List<String> search(OpenSearchClient client, String index, float[] v, int k, Query filter) {
        try {
            SearchResponse<Void> r = client.search(
                    s -> s.index(index).size(k).source(src -> src.fetch(false)).query(CellIndex.knn(v, k, filter)),
                    Void.class);
            List<String> out = new ArrayList<>(k);
            r.hits().hits().forEach(h -> out.add(h.id()));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static float[] jitter(float[] v, SplittableRandom rnd) {
        float[] out = v.clone();
        for (int d = 0; d < out.length; d++) {
            out[d] += (float) (0.02 * (rnd.nextDouble() - 0.5));
        }
        return out;
    }

    private static float[] gaussian(SplittableRandom r, int dim, double sd) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            double u1 = 1.0 - r.nextDouble();
            double u2 = r.nextDouble();
            v[d] = (float) (sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    private static void send(HttpClient http, String method, String url, String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", url.contains("_bulk") ? "application/x-ndjson" : "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300
                || r.body().startsWith("{\"took\"") && r.body().contains("\"errors\":true")) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + ": "
                    + r.body().substring(0, Math.min(500, r.body().length())));
        }
    }
}
