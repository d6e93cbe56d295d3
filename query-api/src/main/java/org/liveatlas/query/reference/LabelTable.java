package org.liveatlas.query.reference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.liveatlas.core.annotate.LabelFilter;
import org.liveatlas.core.annotate.LabelKeys;
import org.liveatlas.core.ontology.CellOntology;

/**
 * The harmonised labels of a reference (core {@link LabelKeys}): each key (an ontology id, or a
 * normalised author label) with the name it is shown by and the author labels its cells carry, both
 * computed from the studies the reference holds now (a withdrawn study's wording leaves with it). Keys
 * are append-only (rows hold key indexes); the table is copy-on-write: {@link #with} and {@link #without}
 * return a new table, earlier snapshots keep their view.
 */
final class LabelTable {
    /** One harmonised label. */
    record Label(String key, String ontologyId, String name, Set<String> authorLabels) {}

    /** What one study contributes: per key index, how many of its cells carry each author label. */
    private record Contribution(boolean isPublic, Map<Integer, Map<String, Integer>> spellings) {}

    private final CellOntology ontology;
    private final List<String> keys;
    private final List<String> ids;
    private final Map<String, Integer> index;
    private final Map<String, Contribution> byStudy;
    private final List<Label> labels;

    private LabelTable(
            CellOntology ontology,
            List<String> keys,
            List<String> ids,
            Map<String, Integer> index,
            Map<String, Contribution> byStudy) {
        this.ontology = ontology;
        this.keys = keys;
        this.ids = ids;
        this.index = index;
        this.byStudy = byStudy;
        List<Map<String, Integer>> all = new ArrayList<>();
        List<Map<String, Integer>> pub = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            all.add(new HashMap<>());
            pub.add(new HashMap<>());
        }
        for (Contribution c : byStudy.values()) {
            c.spellings()
                    .forEach((k, sp) -> sp.forEach((text, n) -> {
                        all.get(k).merge(text, n, Integer::sum);
                        if (c.isPublic()) {
                            pub.get(k).merge(text, n, Integer::sum);
                        }
                    }));
        }
        List<Label> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            out.add(label(keys.get(i), ids.get(i), all.get(i), pub.get(i)));
        }
        this.labels = out;
    }

    static LabelTable empty(CellOntology ontology) {
        return new LabelTable(ontology, List.of(), List.of(), Map.of(), Map.of());
    }

    int size() {
        return keys.size();
    }

    Label get(int i) {
        return labels.get(i);
    }

    /** The label of a key, or null when no reference cell ever had it. */
    Label byKey(String key) {
        Integer i = index.get(key);
        return i == null ? null : labels.get(i);
    }

    /**
     * This table with the labels of {@code rows} (replacing what the same study contributed before); {@code out}
     * receives each row's label index (-1 for a row without label).
     */
    LabelTable with(StudyRows rows, int[] out) {
        List<String> k = new ArrayList<>(keys);
        List<String> id = new ArrayList<>(ids);
        Map<String, Integer> idx = new HashMap<>(index);
        Map<Integer, Map<String, Integer>> spellings = new HashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            String author = rows.authorLabels().get(r);
            String ontologyId = LabelKeys.ontologyId(rows.ontologyIds().get(r));
            String key = ontologyId != null ? ontologyId : LabelKeys.text(author);
            if (key == null) {
                out[r] = -1;
                continue;
            }
            Integer i = idx.get(key);
            if (i == null) {
                i = k.size();
                k.add(key);
                id.add(ontologyId);
                idx.put(key, i);
            }
            out[r] = i;
            String shown = author == null || author.isBlank() ? key : author.strip();
            spellings.computeIfAbsent(i, x -> new HashMap<>()).merge(shown, 1, Integer::sum);
        }
        Map<String, Contribution> studies = new LinkedHashMap<>(byStudy);
        studies.put(rows.studyId(), new Contribution("public".equals(rows.visibility()), spellings));
        return new LabelTable(ontology, List.copyOf(k), Collections.unmodifiableList(id), Map.copyOf(idx), studies);
    }

    /** This table without what {@code studyId} contributed (its keys stay, unnamed by it). */
    LabelTable without(String studyId) {
        if (!byStudy.containsKey(studyId)) {
            return this;
        }
        Map<String, Contribution> studies = new LinkedHashMap<>(byStudy);
        studies.remove(studyId);
        return new LabelTable(ontology, keys, ids, index, studies);
    }

    /** Which labels {@code filter} lets vote: a label matches a listed value by its id, name or any author label. */
    boolean[] accepted(LabelFilter filter) {
        boolean[] ok = new boolean[keys.size()];
        if (filter.mode() == LabelFilter.Mode.NONE) {
            java.util.Arrays.fill(ok, true);
            return ok;
        }
        Set<String> wanted = new HashSet<>();
        for (String v : filter.labels()) {
            String id = LabelKeys.ontologyId(v);
            if (id != null) {
                wanted.add(id);
            }
            String t = LabelKeys.text(v);
            if (t != null) {
                wanted.add(t);
            }
        }
        for (int i = 0; i < ok.length; i++) {
            boolean match = matches(labels.get(i), wanted);
            ok[i] = filter.mode() == LabelFilter.Mode.SAFELIST ? match : !match;
        }
        return ok;
    }

    private static boolean matches(Label l, Set<String> wanted) {
        if (wanted.contains(l.key()) || wanted.contains(LabelKeys.text(l.name()))) {
            return true;
        }
        for (String a : l.authorLabels()) {
            if (wanted.contains(LabelKeys.text(a))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A key's label: named by the ontology, else by the author label most of its public cells carry (so a
     * private study's wording never names a label that public studies also carry), else most of its cells.
     */
    private Label label(String key, String id, Map<String, Integer> spelling, Map<String, Integer> publicSpelling) {
        String mostUsed = (publicSpelling.isEmpty() ? spelling : publicSpelling)
                .entrySet().stream()
                        .max(Map.Entry.<String, Integer>comparingByValue()
                                .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                        .map(Map.Entry::getKey)
                        .orElse(key);
        String name = id == null ? mostUsed : ontology.name(id).orElse(mostUsed);
        return new Label(key, id, name, new TreeSet<>(spelling.keySet()));
    }
}
