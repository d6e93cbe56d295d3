package org.liveatlas.query.reference;

import io.smallrye.config.WithDefault;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.liveatlas.core.annotate.LabelFilter;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.search.BruteForceSearch;
import org.liveatlas.core.search.Hit;
import org.liveatlas.core.search.HitFilter;
import org.liveatlas.query.config.QueryConfig;
import org.liveatlas.query.security.Caller;

/**
 * Benchmark helper (not a test): builds a reference in process with the API's own classes ({@link
 * ReferenceSet}, {@link Segment}) and the default {@code atlas.query.reference.*} settings, as {@link
 * ReferenceIndexes} does on its first load (every study a segment; above exact-max-cells one merged segment
 * with an HNSW graph, else the exact path), and measures recall@k of its search against the core's exact
 * {@link BruteForceSearch} over the same visible vectors.
 */
public final class ReferenceRecall {
    /** One study's labelled reference cells. */
    public record Study(
            String id,
            String visibility,
            String ownerGroup,
            List<float[]> vectors,
            List<String> labels,
            List<String> ontologyIds) {}

    /**
     * What a run measured.
     *
     * @param recall mean over queries of the share of the exact k nearest (by distance, ties counted) found
     * @param buildSeconds building the set (segments, merge, graph when above exact-max-cells)
     * @param searchSeconds the API's search of all queries as one batch
     * @param exactSeconds the exact brute-force search of all queries
     * @param graphSegments segments with a graph
     * @param bytesPerCell the set's bytes per held row (as {@code /v1/reference} reports them)
     */
    public record Result(
            double recall,
            double buildSeconds,
            double searchSeconds,
            double exactSeconds,
            long graphSegments,
            long bytesPerCell) {}

    private ReferenceRecall() {}

    /** The default of a {@link QueryConfig.Reference} setting, read from its annotation. */
    public static String defaultOf(String method) {
        try {
            return QueryConfig.Reference.class
                    .getMethod(method)
                    .getAnnotation(WithDefault.class)
                    .value();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("QueryConfig.Reference has no " + method, e);
        }
    }

    /**
     * Builds the reference of {@code studies} and searches {@code queries} for {@code k} neighbours as a caller
     * who sees public studies only, through the API's path and exactly.
     */
    public static Result measure(List<Study> studies, float[][] queries, int k) {
        return measure(studies, queries, k, Integer.parseInt(defaultOf("exactMaxCells")));
    }

    /** As {@link #measure(List, float[][], int)} with another {@code exact-max-cells}. */
    public static Result measure(List<Study> studies, float[][] queries, int k, int exactMax) {
        int m = Integer.parseInt(defaultOf("hnswM"));
        int efConstruction = Integer.parseInt(defaultOf("hnswEfConstruction"));
        int efSearch = Integer.parseInt(defaultOf("hnswEfSearch"));
        double exactFraction = Double.parseDouble(defaultOf("exactFilterFraction"));
        long maxProduct = Long.parseLong(defaultOf("maxProductScores"));
        int threads = Runtime.getRuntime().availableProcessors();
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            long t0 = System.nanoTime();
            ReferenceSet set = ReferenceSet.empty("bench", "bench", CellOntology.bundled());
            for (Study s : studies) {
                set = set.withStudy(new StudyRows(
                        s.id(), "1", s.visibility(), s.ownerGroup(), s.vectors(), s.labels(), s.ontologyIds()));
            }
            List<Segment> parts = set.segments();
            if (set.cells() > exactMax) {
                set = set.withSegments(parts, set.merge(parts).withGraph(m, efConstruction, threads, pool));
            } else if (parts.size() > 16) {
                set = set.withSegments(parts, set.merge(parts));
            }
            double build = (System.nanoTime() - t0) / 1e9;
            ReferenceSet.SearchOptions options =
                    new ReferenceSet.SearchOptions(efSearch, exactFraction, maxProduct, pool);
            Caller caller = new Caller("bench", Set.of());
            long t1 = System.nanoTime();
            List<List<Neighbour>> approx = set.nearest(queries, k, caller, LabelFilter.none(), options);
            double search = (System.nanoTime() - t1) / 1e9;

            List<float[]> visible = new ArrayList<>();
            for (Study s : studies) {
                if (caller.maySee(s.visibility(), s.ownerGroup())) {
                    visible.addAll(s.vectors());
                }
            }
            BruteForceSearch exact = BruteForceSearch.ofRows(visible.toArray(new float[0][]), threads);
            visible = null;
            long t2 = System.nanoTime();
            List<List<Hit>> truth = exact.nearest(queries, k, HitFilter.ALL);
            double exactTime = (System.nanoTime() - t2) / 1e9;
            double sum = 0;
            for (int q = 0; q < queries.length; q++) {
                List<Hit> t = truth.get(q);
                double kth = t.get(t.size() - 1).distance();
                int found = 0;
                for (Neighbour n : approx.get(q)) {
                    found += n.distance() <= kth + 1e-5 ? 1 : 0;
                }
                sum += Math.min(found, t.size()) / (double) t.size();
            }
            long graphs = set.segments().stream().filter(s -> s.graph != null).count();
            long perCell = set.heldRows() == 0 ? 0 : set.bytes() / set.heldRows();
            return new Result(sum / queries.length, build, search, exactTime, graphs, perCell);
        } finally {
            pool.shutdownNow();
        }
    }
}
