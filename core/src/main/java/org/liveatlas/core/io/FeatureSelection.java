package org.liveatlas.core.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Which 10x features are genes: when a matrix also holds other feature types (antibody capture,
 * CRISPR guides), only {@code Gene Expression} features are kept, as scanpy's {@code read_10x_h5}
 * and {@code read_10x_mtx} do by default, so they neither enter QC totals nor alignment.
 */
final class FeatureSelection {
    static final String GENE_EXPRESSION = "Gene Expression";

    private final int[] map; // feature -> gene column, -1 when dropped; null keeps every feature
    private final int kept;

    private FeatureSelection(int[] map, int kept) {
        this.map = map;
        this.kept = kept;
    }

    /** Selects by {@code types} (one per feature); keeps all when there are no types or all are genes. */
    static FeatureSelection of(List<String> types, int features) {
        if (types.size() != features || types.stream().allMatch(GENE_EXPRESSION::equals)) {
            return new FeatureSelection(null, features);
        }
        int[] map = new int[features];
        int kept = 0;
        for (int f = 0; f < features; f++) {
            map[f] = GENE_EXPRESSION.equals(types.get(f)) ? kept++ : -1;
        }
        return new FeatureSelection(map, kept);
    }

    int kept() {
        return kept;
    }

    /** The gene column of feature {@code f}, or -1 when it is not a gene. */
    int column(int f) {
        return map == null ? f : map[f];
    }

    <T> List<T> select(List<T> perFeature) {
        if (map == null || perFeature.isEmpty()) {
            return perFeature;
        }
        List<T> out = new ArrayList<>(kept);
        for (int f = 0; f < map.length; f++) {
            if (map[f] >= 0) {
                out.add(perFeature.get(f));
            }
        }
        return List.copyOf(out);
    }
}
