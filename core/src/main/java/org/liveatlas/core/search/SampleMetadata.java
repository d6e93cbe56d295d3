package org.liveatlas.core.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * SCimilarity's {@code compile_sample_metadata}: where the hits of a search come from.
 *
 * <p>For each query's hits separately: group the hit cells by the metadata levels (default study,
 * sample, tissue, disease), count cells per group ({@code cells}), in the sorted order of the
 * group keys; groups with a missing value in any level are dropped (pandas {@code groupby}
 * default). When the levels include {@code study} and {@code sample}, each group also gets {@code
 * total}, the number of reference cells of its (study, sample), and {@code fraction = cells /
 * total}. It is the exact, in-memory counterpart of the search engine's aggregations that the
 * query API computes over the index.
 */
public final class SampleMetadata {

    /** SCimilarity's default levels. */
    public static final List<String> DEFAULT_LEVELS = List.of("study", "sample", "tissue", "disease");

    private SampleMetadata() {}

    /**
     * One row of the compiled frame.
     *
     * @param query index of the query whose hits were grouped
     * @param group level name to value, in the levels' order
     * @param cells hit cells in the group
     * @param total reference cells of the group's (study, sample), when both are levels
     * @param fraction {@code cells / total}, when both are levels
     */
    public record Row(int query, Map<String, String> group, long cells, OptionalLong total, OptionalDouble fraction) {
        public Row {
            group = Collections.unmodifiableMap(new LinkedHashMap<>(group));
            Objects.requireNonNull(total, "total");
            Objects.requireNonNull(fraction, "fraction");
        }
    }

    /**
     * Compiles the rows.
     *
     * @param hits per query, its hits
     * @param metadata a hit id's metadata (level name to value; a missing level is a missing value)
     * @param levels grouping levels, in order
     * @param studySampleTotals reference cells per {@code List.of(study, sample)}; needed only when
     *     the levels include both
     */
    public static List<Row> compile(
            List<List<Hit>> hits,
            Function<String, Map<String, String>> metadata,
            List<String> levels,
            Map<List<String>, Long> studySampleTotals) {
        Objects.requireNonNull(hits, "hits");
        Objects.requireNonNull(metadata, "metadata");
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("compile_sample_metadata needs at least one level");
        }
        boolean withFraction = levels.contains("study") && levels.contains("sample");
        Comparator<List<String>> byKeys = (a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                int c = a.get(i).compareTo(b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
        List<Row> rows = new ArrayList<>();
        for (int q = 0; q < hits.size(); q++) {
            TreeMap<List<String>, Long> counts = new TreeMap<>(byKeys);
            for (Hit h : hits.get(q)) {
                Map<String, String> md = metadata.apply(h.id());
                List<String> key = new ArrayList<>(levels.size());
                for (String level : levels) {
                    String v = md == null ? null : md.get(level);
                    if (v == null) {
                        key = null;
                        break;
                    }
                    key.add(v);
                }
                if (key != null) {
                    counts.merge(List.copyOf(key), 1L, Long::sum);
                }
            }
            for (Map.Entry<List<String>, Long> e : counts.entrySet()) {
                Map<String, String> group = new LinkedHashMap<>();
                for (int i = 0; i < levels.size(); i++) {
                    group.put(levels.get(i), e.getKey().get(i));
                }
                OptionalLong total = OptionalLong.empty();
                OptionalDouble fraction = OptionalDouble.empty();
                if (withFraction) {
                    List<String> ss = List.of(group.get("study"), group.get("sample"));
                    Long t = studySampleTotals.get(ss);
                    if (t == null || t <= 0) {
                        throw new IllegalArgumentException("no reference cell count for study " + ss.get(0)
                                + ", sample " + ss.get(1) + "; give the totals of every (study, sample)");
                    }
                    total = OptionalLong.of(t);
                    fraction = OptionalDouble.of(e.getValue() / (double) t);
                }
                rows.add(new Row(q, group, e.getValue(), total, fraction));
            }
        }
        return rows;
    }
}
