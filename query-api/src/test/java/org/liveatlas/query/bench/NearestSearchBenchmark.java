package org.liveatlas.query.bench;

import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
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
import org.liveatlas.core.search.HitFilter;
import org.liveatlas.infra.stack.AtlasStack;
import org.liveatlas.infra.stack.ServiceName;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.search.CellIndex;
import org.liveatlas.query.search.EfSearchRule;
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
 * Benchmark (not a test) of the API's nearest-cell k-NN query (visibility filter inside, as every API
 * query has it) over N indexed cells: for each k and each ef_search rule, recall@k against an exact
 * search computed in the same run (the core's {@code BruteForceSearch}, the same query vectors for every
 * row), p50/p99 latency of sequential queries and throughput with 4 client threads, on one index.
 * The first row of each k is the old query, without {@code method_parameters} (the engine's ef_search =
 * k); the second the configured default rule ({@code atlas.query.search.ef-search-*}).
 *
 * <p>Vectors: N unit vectors around 200 cluster centres in 128 dimensions (cell types in an embedding
 * space); queries are indexed cells moved slightly. Usage: {@code NearestSearchBenchmark [cells=100000]
 * [queries=300] [ks=10,50] [extra rules=2:1,4:1 (factor:min[:max])] [opensearch-url]}; without a URL it
 * starts an embedded OpenSearch on free ports in a temporary folder.
 */
public final class NearestSearchBenchmark {
    private static final int THREADS = 4;
    private static final int PER_THREAD = 100;

    private NearestSearchBenchmark() {}

    /** The query API's configuration with no setting: the shipped defaults. */
    static QueryConfig defaults() {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withSources(new SysPropConfigSource())
                .withMapping(QueryConfig.class)
                .build()
                .getConfigMapping(QueryConfig.class);
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        List<Integer> ks = Arrays.stream((args.length > 2 ? args[2] : "10,50").split(","))
                .map(Integer::parseInt)
                .toList();
        List<EfSearchRule> rules = new ArrayList<>();
        rules.add(EfSearchRule.of(defaults().search()));
        for (String r : (args.length > 3 ? args[3] : "2:1,4:1").split(",")) {
            String[] p = r.split(":");
            rules.add(new EfSearchRule(
                    Double.parseDouble(p[0]),
                    p.length > 1 ? Integer.parseInt(p[1]) : 1,
                    p.length > 2 ? Integer.parseInt(p[2]) : 10_000));
        }
        AtlasStack stack = null;
        Path dir = null;
        String url;
        if (args.length > 4) {
            url = args[4];
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
            run(url, n, queries, ks, rules);
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

    static void run(String url, int n, int queries, List<Integer> ks, List<EfSearchRule> rules) throws Exception {
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
            bulk.append("{\"study_id\":\"bench\",\"visibility\":\"public\",\"reference\":" + reference(i)
                    + ",\"author_label\":\"c\",\"embedding\":");
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
        Query all = CellIndex.filter(Caller.anonymous(), SearchFilters.none(), false, null);
        Query referenceOnly = CellIndex.filter(Caller.anonymous(), SearchFilters.none(), true, null);

        // the same query vectors and their exact neighbours for every k and every rule
        int maxK = ks.stream().mapToInt(Integer::intValue).max().orElseThrow();
        float[][] qs = new float[queries][];
        BruteForceSearch exact = new BruteForceSearch(ids, cells, 2);
        long e0 = System.nanoTime();
        for (int q = 0; q < queries; q++) {
            qs[q] = Distances.normalise(jitter(cells[rnd.nextInt(n)], rnd));
        }
        List<List<String>> truth = ids(exact.nearest(qs, maxK, HitFilter.ALL));
        List<List<String>> referenceTruth =
                ids(exact.nearest(qs, maxK, id -> reference(Integer.parseInt(id.substring("bench:".length())))));
        System.out.printf(
                Locale.ROOT,
                "exact top-%d of %d queries, all cells and reference cells (BruteForceSearch, 2 threads): %.1f s%n",
                maxK,
                queries,
                (System.nanoTime() - e0) / 1e9);

        List<String> rows = new ArrayList<>();
        for (boolean filtered : new boolean[] {false, true}) {
            Query filter = filtered ? referenceOnly : all;
            List<List<String>> want = filtered ? referenceTruth : truth;
            for (int k : ks) {
                // null: the old query, without method_parameters (the engine's ef_search = k)
                List<EfSearchRule> configs = new ArrayList<>();
                configs.add(null);
                configs.addAll(rules);
                for (EfSearchRule rule : configs) {
                    Integer ef = rule == null ? null : rule.efSearch(k);
                    for (int i = 0; i < 30; i++) {
                        search(client, index, cells[rnd.nextInt(n)], k, ef, filter);
                    }
                    long[] latencies = new long[queries];
                    double recall = 0;
                    for (int q = 0; q < queries; q++) {
                        long s = System.nanoTime();
                        List<String> got = search(client, index, qs[q], k, ef, filter);
                        latencies[q] = System.nanoTime() - s;
                        Set<String> exactK = new HashSet<>(want.get(q).subList(0, k));
                        recall += (double) got.stream().filter(exactK::contains).count() / k;
                    }
                    Arrays.sort(latencies);
                    double qps = throughput(client, index, qs, k, ef, filter);
                    String row = String.format(
                            Locale.ROOT,
                            "| %s | %d | %s | %s | %.4f | %.1f ms | %.1f ms | %.0f queries/s |",
                            filtered ? "reference cells (1 in 5)" : "all",
                            k,
                            rule == null ? "none sent (old behaviour)" : describe(rule),
                            rule == null ? k + " (engine default)" : Integer.toString(ef),
                            recall / queries,
                            latencies[queries / 2] / 1e6,
                            latencies[(int) Math.ceil(queries * 0.99) - 1] / 1e6,
                            qps);
                    System.out.println(row);
                    rows.add(row);
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%nnearest over %,d cells, %d queries per row (lucene HNSW m=%d, ef_construction=%d, visibility"
                        + " filter inside, plus reference: true in the filtered rows; throughput: %d client threads x %d"
                        + " queries)%n",
                n,
                queries,
                KnnSettings.DEFAULT_M,
                KnnSettings.DEFAULT_EF_CONSTRUCTION,
                THREADS,
                PER_THREAD);
        System.out.println("| cells searched | k | ef_search rule | ef_search | recall@k | p50 | p99 | throughput |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.forEach(System.out::println);
        checkEngine(client, http, url, index, qs[0], all);
        client._transport().close();
    }

    /**
     * What the engine does with ef_search: a nearest query with ef_search > k matches the best
     * max(k, ef_search) cells (so the parameter reached lucene); a radial query with method_parameters is
     * compared with the same radial query without.
     */
    private static void checkEngine(
            OpenSearchClient client, HttpClient http, String url, String index, float[] v, Query filter)
            throws Exception {
        int k = 10;
        int ef = 100;
        SearchResponse<Void> r = client.search(
                s -> s.index(index)
                        .size(k)
                        .trackTotalHits(t -> t.enabled(true))
                        .source(src -> src.fetch(false))
                        .query(CellIndex.knn(v, k, ef, filter)),
                Void.class);
        System.out.printf(
                Locale.ROOT,
                "nearest k=%d with ef_search=%d: %d hits returned, %d matched%n",
                k,
                ef,
                r.hits().hits().size(),
                r.hits().total().value());
        String vector = Arrays.toString(v);
        String plain = "{\"size\":10000,\"_source\":false,\"query\":{\"knn\":{\"" + IndexMappings.VECTOR_FIELD
                + "\":{\"vector\":" + vector + ",\"min_score\":0.95%s}}}}";
        HttpResponse<String> without = post(http, url + "/" + index + "/_search", String.format(plain, ""));
        HttpResponse<String> with = post(
                http,
                url + "/" + index + "/_search",
                String.format(plain, ",\"method_parameters\":{\"ef_search\":" + ef + "}"));
        System.out.printf(
                Locale.ROOT,
                "radial query (min_score 0.95) without method_parameters: HTTP %d, %d hits; with ef_search=%d: HTTP"
                        + " %d, %d hits, same ids: %s%s%n",
                without.statusCode(),
                ids(without.body()).size(),
                ef,
                with.statusCode(),
                ids(with.body()).size(),
                ids(without.body()).equals(ids(with.body())),
                with.statusCode() >= 300
                        ? " ("
                                + with.body()
                                        .substring(0, Math.min(300, with.body().length())) + ")"
                        : "");
    }

    /** Whether cell {@code i} is a reference cell: one in five, the filter of the filtered rows. */
    private static boolean reference(int i) {
        return i % 5 == 0;
    }

    private static List<List<String>> ids(List<List<Hit>> hits) {
        return hits.stream().map(h -> h.stream().map(Hit::id).toList()).toList();
    }

    private static Set<String> ids(String body) {
        Set<String> out = new HashSet<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"_id\":\"([^\"]+)\"").matcher(body);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double throughput(
            OpenSearchClient client, String index, float[][] qs, int k, Integer ef, Query filter)
            throws InterruptedException {
        long tp0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int offset = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    search(client, index, qs[(offset * PER_THREAD + i) % qs.length], k, ef, filter);
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        return THREADS * PER_THREAD / ((System.nanoTime() - tp0) / 1e9);
    }

    private static String describe(EfSearchRule r) {
        return String.format(Locale.ROOT, "factor %s, min %d, max %d", r.factor(), r.min(), r.max());
    }

    /** One API nearest query; {@code ef} null sends none (the engine's default ef_search = k). */
    static List<String> search(OpenSearchClient client, String index, float[] v, int k, Integer ef, Query filter) {
        Query knn = ef == null ? CellIndex.knn(v, k, filter) : CellIndex.knn(v, k, ef, filter);
        try {
            SearchResponse<Void> r = client.search(
                    s -> s.index(index).size(k).source(src -> src.fetch(false)).query(knn), Void.class);
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
