package org.liveatlas.core.annotate;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which reference labels may vote: SCimilarity's {@code safelist_celltypes} and {@code
 * blocklist_celltypes}. The two are mutually exclusive, as there.
 *
 * <p>A backend applies the filter inside its k-NN query (so k accepted neighbours come back); the
 * vote applies it too, for brute-force use where the neighbour list was fetched unfiltered.
 *
 * @param mode what the labels mean
 * @param labels the safelisted or blocklisted labels (empty for {@link Mode#NONE})
 */
public record LabelFilter(Mode mode, Set<String> labels) {

    /** Whether the labels are kept or removed. */
    public enum Mode {
        /** Every label votes. */
        NONE,
        /** Only these labels vote. */
        SAFELIST,
        /** Every label but these votes. */
        BLOCKLIST
    }

    private static final LabelFilter NONE = new LabelFilter(Mode.NONE, Set.of());

    public LabelFilter {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(labels, "labels");
        labels = Collections.unmodifiableSet(new LinkedHashSet<>(labels));
        if (mode == Mode.NONE && !labels.isEmpty()) {
            throw new IllegalArgumentException("a filter of mode NONE takes no labels, got " + labels);
        }
        if (mode == Mode.SAFELIST && labels.isEmpty()) {
            throw new IllegalArgumentException("an empty safelist would reject every label; give at least one");
        }
        for (String l : labels) {
            Objects.requireNonNull(l, "label in " + mode);
        }
    }

    /** Every label votes. */
    public static LabelFilter none() {
        return NONE;
    }

    /** Only these labels vote. */
    public static LabelFilter safelist(Collection<String> labels) {
        return new LabelFilter(Mode.SAFELIST, Set.copyOf(labels));
    }

    /** Every label but these votes. */
    public static LabelFilter blocklist(Collection<String> labels) {
        return new LabelFilter(Mode.BLOCKLIST, Set.copyOf(labels));
    }

    /** Whether a reference cell with this label may vote. */
    public boolean accepts(String label) {
        return switch (mode) {
            case NONE -> true;
            case SAFELIST -> labels.contains(label);
            case BLOCKLIST -> !labels.contains(label);
        };
    }
}
