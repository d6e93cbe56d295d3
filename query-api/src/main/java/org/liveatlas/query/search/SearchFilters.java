package org.liveatlas.query.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Metadata filters of a search, applied inside the k-NN query (so k accepted cells come back). Each
 * list is an OR of values; the lists combine with AND. {@code label} matches the author label or the
 * predicted label.
 *
 * @param study study ids
 * @param tissue tissues
 * @param disease diseases
 * @param organism organisms
 * @param label cell type labels
 */
public record SearchFilters(
        List<String> study, List<String> tissue, List<String> disease, List<String> organism, List<String> label) {
    /** Most values one filter list may hold. */
    public static final int MAX_VALUES = 1000;

    public SearchFilters {
        study = check("study", study);
        tissue = check("tissue", tissue);
        disease = check("disease", disease);
        organism = check("organism", organism);
        label = check("label", label);
    }

    /** No filter at all. */
    public static SearchFilters none() {
        return new SearchFilters(null, null, null, null, null);
    }

    /** The index field(s) of each filter, with the values asked for; empty lists left out. */
    public Map<List<String>, List<String>> byFields() {
        Map<List<String>, List<String>> m = new java.util.LinkedHashMap<>();
        put(m, List.of("study_id"), study);
        put(m, List.of("tissue"), tissue);
        put(m, List.of("disease"), disease);
        put(m, List.of("organism"), organism);
        put(m, List.of("author_label", "predicted_label"), label);
        return m;
    }

    private static void put(Map<List<String>, List<String>> m, List<String> fields, List<String> values) {
        if (!values.isEmpty()) {
            m.put(fields, values);
        }
    }

    private static List<String> check(String name, List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_VALUES) {
            throw new IllegalArgumentException(
                    "filters." + name + " has " + values.size() + " values; at most " + MAX_VALUES + " are allowed");
        }
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("filters." + name + " holds an empty value; remove it");
            }
            out.add(v);
        }
        return List.copyOf(out);
    }
}
