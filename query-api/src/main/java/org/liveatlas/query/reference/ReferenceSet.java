package org.liveatlas.query.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.apache.lucene.util.Bits;
import org.liveatlas.core.annotate.LabelFilter;
import org.liveatlas.core.annotate.Neighbour;
import org.liveatlas.core.encoder.PyTorchRuntime;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.core.search.TopK;
import org.liveatlas.query.security.Caller;

/**
 * One model version's labelled reference, in memory: every reference cell's embedding, harmonised label
 * ({@link LabelTable}) and study, in immutable {@link Segment}s. A set is an immutable snapshot: each
 * change (a study indexed, replaced or withdrawn; a compaction) returns a new set that shares the
 * unchanged segments, so a search sees one consistent reference from start to end.
 *
 * <p>Search is exact (one matrix product of a batch of queries with the accepted rows, then top-k, in
 * PyTorch) for segments without a graph, and through the segment's HNSW graph otherwise; the caller's
 * visibility and the label safelist/blocklist are masks inside the search, so k accepted neighbours come
 * back. A segment whose accepted rows are few (a narrow safelist, a caller who sees little) is searched
 * exactly over those rows, as Lucene itself falls back to exact search for selective filters.
 */
final class ReferenceSet {
    /** A study's rows in this set; {@code slot} is what its rows carry. */
    record Study(int slot, String studyId, String depositVersion, String visibility, String ownerGroup, int cells) {}

    /** How searches run. */
    record SearchOptions(int ef, double exactFraction, long maxProductFloats, ForkJoinPool pool) {}

    private final String modelVersion;
    private final String index;
    private final LabelTable labels;
    private final List<Segment> segments;
    private final Map<String, Study> studies;
    private final Study[] slots;
    private final long liveRows;

    private ReferenceSet(
            String modelVersion,
            String index,
            LabelTable labels,
            List<Segment> segments,
            Map<String, Study> studies,
            Study[] slots) {
        this.modelVersion = modelVersion;
        this.index = index;
        this.labels = labels;
        this.segments = List.copyOf(segments);
        this.studies = Collections.unmodifiableMap(studies);
        this.slots = slots;
        this.liveRows = studies.values().stream().mapToLong(Study::cells).sum();
    }

    static ReferenceSet empty(String modelVersion, String index, CellOntology ontology) {
        return new ReferenceSet(
                modelVersion, index, LabelTable.empty(ontology), List.of(), new LinkedHashMap<>(), new Study[0]);
    }

    String modelVersion() {
        return modelVersion;
    }

    /** The cells index the rows were read from. */
    String index() {
        return index;
    }

    /** Reference cells that vote (live studies). */
    long cells() {
        return liveRows;
    }

    /** Rows held, including masked rows of replaced or withdrawn studies not yet compacted away. */
    long heldRows() {
        return segments.stream().mapToLong(Segment::size).sum();
    }

    Map<String, Study> studies() {
        return studies;
    }

    /** The studies whose cells {@code caller} may see (and so vote for them). */
    List<Study> visibleTo(Caller caller) {
        return studies.values().stream()
                .filter(s -> caller.maySee(s.visibility(), s.ownerGroup()))
                .toList();
    }

    List<Segment> segments() {
        return segments;
    }

    LabelTable labels() {
        return labels;
    }

    /** Bytes of vectors, per-row labels and slots, and graphs. */
    long bytes() {
        return segments.stream().mapToLong(Segment::bytes).sum();
    }

    /** Whether a row of {@code slot} still votes. */
    boolean live(int slot) {
        return slot < slots.length && slots[slot] != null;
    }

    /** This set with {@code rows} as the study's cells (replacing an earlier version; none: the study leaves). */
    ReferenceSet withStudy(StudyRows rows) {
        ReferenceSet without = withoutStudy(rows.studyId());
        if (rows.size() == 0) {
            return without;
        }
        int slot = without.slots.length;
        int[] labelRows = new int[rows.size()];
        LabelTable table = without.labels.with(rows, labelRows);
        int[] slotRows = new int[rows.size()];
        Arrays.fill(slotRows, slot);
        List<Segment> segs = new ArrayList<>(without.segments);
        segs.add(new Segment(rows.vectors().toArray(new float[0][]), labelRows, slotRows, null));
        Study s = new Study(
                slot, rows.studyId(), rows.depositVersion(), rows.visibility(), rows.ownerGroup(), rows.size());
        Map<String, Study> st = new LinkedHashMap<>(without.studies);
        st.put(rows.studyId(), s);
        Study[] sl = Arrays.copyOf(without.slots, slot + 1);
        sl[slot] = s;
        return new ReferenceSet(modelVersion, index, table, segs, st, sl);
    }

    /** This set without the study's cells (unchanged when it holds none). */
    ReferenceSet withoutStudy(String studyId) {
        Study old = studies.get(studyId);
        if (old == null) {
            return this;
        }
        Map<String, Study> st = new LinkedHashMap<>(studies);
        st.remove(studyId);
        Study[] sl = slots.clone();
        sl[old.slot()] = null;
        List<Segment> segs = new ArrayList<>();
        for (Segment s : segments) {
            if (hasLive(s, sl)) {
                segs.add(s);
            }
        }
        return new ReferenceSet(modelVersion, index, labels.without(studyId), segs, st, sl);
    }

    /** This set with {@code replaced} segments swapped for {@code merged} (a compaction). */
    ReferenceSet withSegments(List<Segment> replaced, Segment merged) {
        List<Segment> segs = new ArrayList<>();
        for (Segment s : segments) {
            if (!replaced.contains(s)) {
                segs.add(s);
            }
        }
        segs.add(merged);
        return new ReferenceSet(modelVersion, index, labels, segs, new LinkedHashMap<>(studies), slots);
    }

    /** The live rows of {@code parts} as one segment without graph (the input of a compaction). */
    Segment merge(List<Segment> parts) {
        int n = 0;
        for (Segment s : parts) {
            for (int slot : s.slots) {
                n += live(slot) ? 1 : 0;
            }
        }
        float[][] rows = new float[n][];
        int[] lab = new int[n];
        int[] sl = new int[n];
        int i = 0;
        for (Segment s : parts) {
            for (int r = 0; r < s.size(); r++) {
                if (live(s.slots[r])) {
                    rows[i] = s.rows[r];
                    lab[i] = s.labels[r];
                    sl[i++] = s.slots[r];
                }
            }
        }
        return new Segment(rows, lab, sl, null);
    }

    private static boolean hasLive(Segment s, Study[] slots) {
        for (int slot : s.slots) {
            if (slot < slots.length && slots[slot] != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The {@code k} nearest reference cells of each query that {@code caller} may see and {@code filter} lets
     * vote, nearest first, as (harmonised label key, cosine distance).
     */
    List<List<Neighbour>> nearest(float[][] queries, int k, Caller caller, LabelFilter filter, SearchOptions o) {
        boolean[] slotOk = new boolean[slots.length];
        for (int i = 0; i < slots.length; i++) {
            Study s = slots[i];
            slotOk[i] = s != null && caller.maySee(s.visibility(), s.ownerGroup());
        }
        boolean[] labelOk = labels.accepted(filter);
        List<TopK> tops = new ArrayList<>(queries.length);
        for (int q = 0; q < queries.length; q++) {
            tops.add(new TopK(k));
        }
        int offset = 0;
        int[] offsets = new int[segments.size()];
        // every segment searched exactly joins one matrix product and one top-k (not one per segment)
        List<Segment> exactSegments = new ArrayList<>();
        List<int[]> exactRows = new ArrayList<>();
        List<Integer> exactOffsets = new ArrayList<>();
        for (int si = 0; si < segments.size(); si++) {
            Segment s = segments.get(si);
            offsets[si] = offset;
            int[] accepted = acceptedRows(s, slotOk, labelOk);
            if (accepted.length > 0) {
                if (s.graph != null && accepted.length > o.exactFraction() * s.size() && accepted.length > k) {
                    Bits bits = accepted.length == s.size() ? null : bits(s, accepted);
                    int base = offset;
                    o.pool()
                            .submit(() -> IntStream.range(0, queries.length)
                                    .parallel()
                                    // each query's heap is filled by one task; join() publishes them
                                    .forEach(q -> s.searchGraph(queries[q], k, o.ef(), bits, tops.get(q), base)))
                            .join();
                } else {
                    exactSegments.add(s);
                    exactRows.add(accepted);
                    exactOffsets.add(offset);
                }
            }
            offset += s.size();
        }
        if (!exactSegments.isEmpty()) {
            exact(exactSegments, exactRows, exactOffsets, queries, k, tops, o.maxProductFloats(), o.pool());
        }
        List<List<Neighbour>> out = new ArrayList<>(queries.length);
        for (TopK t : tops) {
            Integer[] order = new Integer[t.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> {
                int c = Double.compare(t.distance(a), t.distance(b));
                return c != 0 ? c : Integer.compare(t.row(a), t.row(b));
            });
            List<Neighbour> list = new ArrayList<>(order.length);
            for (int i : order) {
                int global = t.row(i);
                int si = segmentOf(offsets, global);
                Segment s = segments.get(si);
                list.add(
                        new Neighbour(labels.get(s.labels[global - offsets[si]]).key(), t.distance(i)));
            }
            out.add(list);
        }
        return out;
    }

    private static int segmentOf(int[] offsets, int global) {
        int i = Arrays.binarySearch(offsets, global);
        if (i >= 0) {
            while (i + 1 < offsets.length && offsets[i + 1] == global) {
                i++; // empty segments share an offset with the next
            }
            return i;
        }
        return -i - 2;
    }

    private static int[] acceptedRows(Segment s, boolean[] slotOk, boolean[] labelOk) {
        int[] out = new int[s.size()];
        int n = 0;
        for (int r = 0; r < s.size(); r++) {
            int slot = s.slots[r];
            int label = s.labels[r];
            if (slot < slotOk.length && slotOk[slot] && label >= 0 && labelOk[label]) {
                out[n++] = r;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static Bits bits(Segment s, int[] accepted) {
        org.apache.lucene.util.FixedBitSet b = new org.apache.lucene.util.FixedBitSet(s.size());
        for (int r : accepted) {
            b.set(r);
        }
        return b;
    }

    /**
     * Exact search of the accepted rows of {@code segments} (row offsets {@code offsets} in the set): the
     * queries times all those rows in one PyTorch matrix product, then one top-k, in blocks of queries so
     * that one product holds at most {@code maxFloats} scores; the k found per query go to its heap with
     * their distance recomputed from the vectors. The blocks run in parallel on {@code pool}, one product
     * per thread: the encoder keeps PyTorch at one intra-op thread (a JVM-wide setting), so a single
     * product would use one core.
     */
    private static void exact(
            List<Segment> segments,
            List<int[]> accepted,
            List<Integer> offsets,
            float[][] queries,
            int k,
            List<TopK> tops,
            long maxFloats,
            ForkJoinPool pool) {
        int dim = queries[0].length;
        int n = accepted.stream().mapToInt(a -> a.length).sum();
        int kk = Math.min(k, n);
        float[] ref = new float[Math.multiplyExact(n, dim)];
        float[][] rowOf = new float[n][];
        int[] globalRow = new int[n];
        int at = 0;
        for (int si = 0; si < segments.size(); si++) {
            Segment s = segments.get(si);
            int base = offsets.get(si);
            for (int r : accepted.get(si)) {
                rowOf[at] = s.rows[r];
                globalRow[at] = base + r;
                System.arraycopy(s.rows[r], 0, ref, at * dim, dim);
                at++;
            }
        }
        int threads = Math.max(1, pool.getParallelism());
        int perThread = (queries.length + threads - 1) / threads;
        int block = (int) Math.max(1, Math.min(perThread, maxFloats / n));
        int blocks = (queries.length + block - 1) / block;
        try (NDManager m = NDManager.newBaseManager(
                ai.djl.Device.cpu(), PyTorchRuntime.engine().getEngineName())) {
            NDArray r = m.create(ref, new Shape(n, dim)).transpose();
            pool.submit(() -> IntStream.range(0, blocks).parallel().forEach(bi -> {
                        int from = bi * block;
                        int to = Math.min(queries.length, from + block);
                        float[] q = new float[(to - from) * dim];
                        for (int i = from; i < to; i++) {
                            System.arraycopy(queries[i], 0, q, (i - from) * dim, dim);
                        }
                        NDManager b;
                        synchronized (m) {
                            b = m.newSubManager();
                        }
                        long[] idx;
                        try {
                            NDArray qa = b.create(q, new Shape(to - from, dim));
                            idx = qa.matMul(r).topK(kk, 1, true, false).get(1).toLongArray();
                        } finally {
                            synchronized (m) {
                                b.close();
                            }
                        }
                        // each query's heap is filled by the one task that owns its block
                        for (int i = from; i < to; i++) {
                            TopK t = tops.get(i);
                            for (int j = 0; j < kk; j++) {
                                int c = (int) idx[(i - from) * kk + j];
                                t.add(globalRow[c], Segment.distance(queries[i], rowOf[c]));
                            }
                        }
                    }))
                    .join();
        }
    }
}
