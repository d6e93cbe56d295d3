package org.liveatlas.query.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TaskExecutor;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.hnsw.HnswBuilder;
import org.apache.lucene.util.hnsw.HnswConcurrentMergeBuilder;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomAccessVectorValues;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;
import org.liveatlas.core.search.Distances;
import org.liveatlas.core.search.TopK;

/**
 * An immutable block of reference rows: unit vectors with each row's label index and study slot, searched
 * exactly or, once it has one, through an in-memory HNSW graph (Lucene's {@code HnswGraphBuilder} and
 * {@code HnswGraphSearcher}, the same graph code as OpenSearch's lucene engine). Rows are never removed
 * from a segment: a withdrawn study's rows are masked through its slot until compaction drops them.
 */
final class Segment {
    private static final AtomicLong IDS = new AtomicLong();
    private static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

    final long id = IDS.incrementAndGet();
    final float[][] rows;
    final int[] labels;
    final int[] slots;
    final OnHeapHnswGraph graph;
    private final RandomAccessVectorValues.Floats values;

    Segment(float[][] rows, int[] labels, int[] slots, OnHeapHnswGraph graph) {
        if (rows.length != labels.length || rows.length != slots.length) {
            throw new IllegalArgumentException("a segment needs one label and slot per row");
        }
        this.rows = rows;
        this.labels = labels;
        this.slots = slots;
        this.graph = graph;
        this.values =
                rows.length == 0 ? null : RandomAccessVectorValues.fromFloats(Arrays.asList(rows), rows[0].length);
    }

    int size() {
        return rows.length;
    }

    /** This segment's rows with an HNSW graph built over them ({@code threads} builders on {@code pool}). */
    Segment withGraph(int m, int beamWidth, int threads, ExecutorService pool) {
        if (rows.length == 0) {
            return this;
        }
        try {
            RandomVectorScorerSupplier scorers =
                    DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorerSupplier(SIMILARITY, values);
            // an empty graph sized for the rows (its constructor is not public; a builder makes one)
            OnHeapHnswGraph empty = HnswGraphBuilder.create(scorers, m, beamWidth, 42L, rows.length)
                    .getGraph();
            HnswBuilder builder = threads > 1
                    ? new HnswConcurrentMergeBuilder(
                            new TaskExecutor(pool), threads, scorers, m, beamWidth, empty, null)
                    : HnswGraphBuilder.create(scorers, m, beamWidth, 42L);
            return new Segment(rows, labels, slots, builder.build(rows.length));
        } catch (IOException e) {
            throw new UncheckedIOException("building the reference graph", e);
        }
    }

    /**
     * The nearest accepted rows of {@code query} through the graph, at most {@code ef} candidates explored
     * per level; distances recomputed exactly from the vectors.
     */
    void searchGraph(float[] query, int k, int ef, Bits accept, TopK into, int rowOffset) {
        try {
            RandomVectorScorer scorer =
                    DefaultFlatVectorScorer.INSTANCE.getRandomVectorScorer(SIMILARITY, values, query);
            KnnCollector c = HnswGraphSearcher.search(scorer, Math.max(k, ef), graph, accept, Integer.MAX_VALUE);
            for (ScoreDoc d : c.topDocs().scoreDocs) {
                into.add(rowOffset + d.doc, distance(query, rows[d.doc]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("searching the reference graph", e);
        }
    }

    /** Bytes this segment holds: vectors, label and slot per row, and the graph. */
    long bytes() {
        long perRow = rows.length == 0 ? 0 : 16L + 4L * rows[0].length + 8;
        return rows.length * perRow + (graph == null ? 0 : graph.ramBytesUsed());
    }

    /** Cosine distance of two unit vectors, clamped to [0, 2]. */
    static double distance(float[] a, float[] b) {
        return Distances.clamp(1.0 - Distances.dot(a, b));
    }
}
