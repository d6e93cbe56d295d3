package org.liveatlas.core.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.liveatlas.core.AtlasException;

/**
 * Exact nearest-neighbour search over an in-memory matrix of unit vectors: every query is compared
 * with every accepted row.
 *
 * <p>It is the exact baseline for recall measurements of approximate backends, and serves small
 * references directly. Results are sorted by ascending cosine distance, ties by row order, so they
 * equal a naive sort of all distances. Several queries run in parallel; a single query is split
 * over row shards. Instances are immutable and thread-safe.
 */
public final class BruteForceSearch implements NeighbourSearch {

    /** Tolerance on {@code |norm - 1|} of every stored vector. */
    public static final double UNIT_NORM_TOLERANCE = 1e-3;

    private static final int MIN_ROWS_PER_SHARD = 4096;

    /** Queries scored together against each row. */
    private static final int BLOCK = 4;

    private final String[] ids;
    private final float[] matrix;
    private final int rows;
    private final int dim;
    private final int threads;

    /**
     * @param ids one id per row, unique
     * @param vectors unit vectors, one per row, all of the same length
     * @param threads worker threads per call (1 runs in the caller's thread)
     */
    public BruteForceSearch(List<String> ids, float[][] vectors, int threads) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(vectors, "vectors");
        if (ids.size() != vectors.length) {
            throw new IllegalArgumentException(
                    "need one id per vector, got " + ids.size() + " ids for " + vectors.length + " vectors");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (vectors.length == 0) {
            throw new IllegalArgumentException("a search needs at least one reference vector");
        }
        this.rows = vectors.length;
        this.dim = vectors[0].length;
        this.threads = threads;
        this.ids = ids.toArray(new String[0]);
        Set<String> seen = new HashSet<>();
        this.matrix = new float[Math.multiplyExact(rows, dim)];
        for (int r = 0; r < rows; r++) {
            Objects.requireNonNull(this.ids[r], "id of row " + r);
            if (!seen.add(this.ids[r])) {
                throw new IllegalArgumentException("duplicate id " + this.ids[r] + " at row " + r);
            }
            float[] v = vectors[r];
            if (v.length != dim) {
                throw new IllegalArgumentException(
                        "row " + r + " (" + this.ids[r] + ") has length " + v.length + ", expected " + dim);
            }
            checkUnit(v, "reference row " + r + " (" + this.ids[r] + ")");
            System.arraycopy(v, 0, matrix, r * dim, dim);
        }
    }

    /** A search whose ids are the row numbers {@code "0", "1", ...}. */
    public static BruteForceSearch ofRows(float[][] vectors, int threads) {
        List<String> ids =
                IntStream.range(0, vectors.length).mapToObj(Integer::toString).toList();
        return new BruteForceSearch(ids, vectors, threads);
    }

    @Override
    public int dimension() {
        return dim;
    }

    @Override
    public int size() {
        return rows;
    }

    /** Id of row {@code r}. */
    public String id(int r) {
        return ids[r];
    }

    /** Copy of row {@code r}'s vector. */
    public float[] vector(int r) {
        return Arrays.copyOfRange(matrix, r * dim, (r + 1) * dim);
    }

    @Override
    public List<List<Hit>> nearest(float[][] queries, int k, HitFilter filter) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        return run(queries, filter, k, Double.NaN);
    }

    @Override
    public List<List<Hit>> withinDistance(float[][] queries, double maxDist, HitFilter filter) {
        if (!(maxDist >= 0)) {
            throw new IllegalArgumentException("max_dist must be >= 0, got " + maxDist);
        }
        return run(queries, filter, 0, maxDist);
    }

    private List<List<Hit>> run(float[][] queries, HitFilter filter, int k, double maxDist) {
        Objects.requireNonNull(queries, "queries");
        Objects.requireNonNull(filter, "filter");
        for (int q = 0; q < queries.length; q++) {
            if (queries[q].length != dim) {
                throw new IllegalArgumentException(
                        "query " + q + " has length " + queries[q].length + ", the reference has " + dim);
            }
            checkUnit(queries[q], "query " + q);
        }
        BitSet accepted = null;
        if (filter != HitFilter.ALL) {
            accepted = new BitSet(rows);
            for (int r = 0; r < rows; r++) {
                if (filter.accepts(ids[r])) {
                    accepted.set(r);
                }
            }
        }
        BitSet mask = accepted;
        int shards = queries.length >= threads ? 1 : Math.max(1, Math.min(threads, rows / MIN_ROWS_PER_SHARD));
        int blocks = (queries.length + BLOCK - 1) / BLOCK;
        int workers = Math.min(threads, Math.max(blocks, shards));
        List<List<Hit>> out = new ArrayList<>(queries.length);
        if (workers <= 1) {
            for (int b = 0; b < blocks; b++) {
                for (Candidates c : searchBlock(queries, b * BLOCK, 0, rows, mask, k, maxDist)) {
                    out.add(toHits(c));
                }
            }
            return out;
        }
        ForkJoinPool pool = new ForkJoinPool(workers);
        try {
            if (shards == 1) {
                Future<List<Candidates[]>> all = pool.submit(() -> IntStream.range(0, blocks)
                        .parallel()
                        .mapToObj(b -> searchBlock(queries, b * BLOCK, 0, rows, mask, k, maxDist))
                        .toList());
                for (Candidates[] block : all.get()) {
                    for (Candidates c : block) {
                        out.add(toHits(c));
                    }
                }
                return out;
            }
            int per = (rows + shards - 1) / shards;
            for (int b = 0; b < blocks; b++) {
                int first = b * BLOCK;
                Future<List<Candidates[]>> parts = pool.submit(() -> IntStream.range(0, shards)
                        .parallel()
                        .mapToObj(s ->
                                searchBlock(queries, first, s * per, Math.min(rows, (s + 1) * per), mask, k, maxDist))
                        .toList());
                List<Candidates[]> shardResults = parts.get();
                for (int j = 0; j < shardResults.get(0).length; j++) {
                    List<Candidates> perShard = new ArrayList<>(shards);
                    for (Candidates[] sr : shardResults) {
                        perShard.add(sr[j]);
                    }
                    out.add(toHits(Candidates.merge(perShard, k)));
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AtlasException("brute-force search interrupted", e);
        } catch (ExecutionException e) {
            throw new AtlasException("brute-force search failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdown();
        }
    }

    private List<Hit> toHits(Candidates c) {
        List<Hit> hits = new ArrayList<>(c.size);
        for (int i = 0; i < c.size; i++) {
            hits.add(new Hit(ids[c.rows[i]], Distances.clamp(c.dists[i])));
        }
        return hits;
    }

    /**
     * Top-k (k > 0) or radius (k == 0) search of rows [from, to) for up to {@link #BLOCK} queries
     * starting at {@code first}. The block shares each row's load from memory between its queries,
     * which matters once the matrix outgrows the caches.
     */
    private Candidates[] searchBlock(
            float[][] queries, int first, int from, int to, BitSet mask, int k, double maxDist) {
        int m = Math.min(BLOCK, queries.length - first);
        float[] q0 = queries[first];
        float[] q1 = m > 1 ? queries[first + 1] : q0;
        float[] q2 = m > 2 ? queries[first + 2] : q0;
        float[] q3 = m > 3 ? queries[first + 3] : q0;
        TopK[] tops = new TopK[m];
        Candidates[] within = new Candidates[m];
        for (int j = 0; j < m; j++) {
            if (k > 0) {
                tops[j] = new TopK(Math.min(k, rows));
            } else {
                within[j] = new Candidates(16);
            }
        }
        double[] d = new double[BLOCK];
        for (int r = from; r < to; r++) {
            if (mask != null && !mask.get(r)) {
                continue;
            }
            int base = r * dim;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int i = 0; i < dim; i++) {
                double x = matrix[base + i];
                s0 += q0[i] * x;
                s1 += q1[i] * x;
                s2 += q2[i] * x;
                s3 += q3[i] * x;
            }
            d[0] = 1.0 - s0;
            d[1] = 1.0 - s1;
            d[2] = 1.0 - s2;
            d[3] = 1.0 - s3;
            for (int j = 0; j < m; j++) {
                if (k > 0) {
                    if (tops[j].wouldAccept(d[j])) {
                        tops[j].add(r, d[j]);
                    }
                } else {
                    double c = Distances.clamp(d[j]);
                    if (c <= maxDist) {
                        within[j].add(r, c);
                    }
                }
            }
        }
        Candidates[] out = new Candidates[m];
        for (int j = 0; j < m; j++) {
            if (k > 0) {
                out[j] = Candidates.of(tops[j]);
            } else {
                within[j].sort();
                out[j] = within[j];
            }
        }
        return out;
    }

    static void checkUnit(float[] v, String what) {
        double n = Math.sqrt(Distances.dot(v, v));
        if (!(Math.abs(n - 1.0) <= UNIT_NORM_TOLERANCE)) {
            throw new IllegalArgumentException(what + " has norm " + n + ", expected a unit vector (within "
                    + UNIT_NORM_TOLERANCE + "); normalise embeddings first");
        }
    }

    /** Growable (row, distance) pairs. */
    private static final class Candidates {
        int[] rows;
        double[] dists;
        int size;

        Candidates(int capacity) {
            rows = new int[Math.max(1, capacity)];
            dists = new double[Math.max(1, capacity)];
        }

        void add(int r, double d) {
            if (size == rows.length) {
                rows = Arrays.copyOf(rows, size * 2);
                dists = Arrays.copyOf(dists, size * 2);
            }
            rows[size] = r;
            dists[size] = d;
            size++;
        }

        /** Sorts by distance, then row. */
        void sort() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> {
                int c = Double.compare(dists[a], dists[b]);
                return c != 0 ? c : Integer.compare(rows[a], rows[b]);
            });
            int[] r2 = new int[size];
            double[] d2 = new double[size];
            for (int i = 0; i < size; i++) {
                r2[i] = rows[order[i]];
                d2[i] = dists[order[i]];
            }
            rows = r2;
            dists = d2;
        }

        static Candidates of(TopK top) {
            Candidates c = new Candidates(top.size());
            for (int i = 0; i < top.size(); i++) {
                c.add(top.row(i), top.distance(i));
            }
            c.sort();
            return c;
        }

        static Candidates merge(List<Candidates> parts, int k) {
            Candidates all = new Candidates(parts.stream().mapToInt(p -> p.size).sum());
            for (Candidates p : parts) {
                for (int i = 0; i < p.size; i++) {
                    all.add(p.rows[i], p.dists[i]);
                }
            }
            all.sort();
            if (k > 0 && all.size > k) {
                all.size = k;
            }
            return all;
        }
    }
}
