package org.liveatlas.core.annotate;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.liveatlas.core.ontology.CellOntology;

/**
 * The names harmonised reference labels are shown by: reference cells vote by their {@link LabelKeys} key (a
 * Cell Ontology id, else the normalised author label), and a key is shown by its ontology term's name when
 * the ontology knows the id, else by the author label most of its cells carry (ties: the alphabetically
 * first). Collect the reference cells with {@link #add}, then ask {@link #name}. Not thread-safe.
 */
public final class LabelNames {
    private final CellOntology ontology;
    private final Map<String, String> ids = new HashMap<>();
    private final Map<String, Map<String, Integer>> spellings = new HashMap<>();

    public LabelNames(CellOntology ontology) {
        this.ontology = Objects.requireNonNull(ontology, "ontology");
    }

    /** Records one labelled reference cell and returns the key it votes with; null when it has no label. */
    public String add(String authorLabel, String ontologyId) {
        String id = LabelKeys.ontologyId(ontologyId);
        String key = id != null ? id : LabelKeys.text(authorLabel);
        if (key == null) {
            return null;
        }
        if (id != null) {
            ids.put(key, id);
        }
        String shown = authorLabel == null || authorLabel.isBlank() ? key : authorLabel.strip();
        spellings.computeIfAbsent(key, k -> new HashMap<>()).merge(shown, 1, Integer::sum);
        return key;
    }

    /** The name {@code key} is shown by ({@code key} itself when no cell with it was recorded). */
    public String name(String key) {
        String id = ids.get(key);
        if (id != null) {
            Optional<String> term = ontology.name(id);
            if (term.isPresent()) {
                return term.get();
            }
        }
        Map<String, Integer> s = spellings.get(key);
        if (s == null) {
            return key;
        }
        String best = key;
        int most = -1;
        for (Map.Entry<String, Integer> e : s.entrySet()) {
            if (e.getValue() > most || (e.getValue() == most && e.getKey().compareTo(best) < 0)) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return best;
    }

    /** The ontology id of {@code key}, or null when it is an author label's key. */
    public String ontologyId(String key) {
        return ids.get(key);
    }
}
