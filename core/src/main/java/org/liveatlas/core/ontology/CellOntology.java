package org.liveatlas.core.ontology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.liveatlas.core.AtlasException;

/**
 * The Cell Ontology as a directed graph of terms, read from an OBO file such as {@code cl-basic.obo},
 * answering which labels may not serve as each other's negatives.
 *
 * <p>As SCimilarity's {@code import_cell_ontology} (obonet) does, every {@code is_a} and every {@code
 * relationship} line of a non-obsolete {@code [Term]} is an edge from the term to its parent. Two
 * terms are <em>related</em> when they are equal or one is an ancestor of the other; a related term
 * never serves as a negative. {@link #none()} is the ontology without edges: only equal labels are
 * related. Immutable and thread-safe.
 */
public final class CellOntology {

    private final Map<String, String> names;
    private final Map<String, Set<String>> parents;
    private final Map<String, Set<String>> ancestors = new HashMap<>();
    private final Map<String, String> byName = new HashMap<>();

    private CellOntology(Map<String, String> names, Map<String, Set<String>> parents, Map<String, String> synonyms) {
        this.names = Collections.unmodifiableMap(names);
        this.parents = Collections.unmodifiableMap(parents);
        synonyms.forEach((text, id) -> {
            if (names.containsKey(id)) {
                byName.putIfAbsent(text, id);
            }
        });
        names.forEach((id, name) -> byName.put(name, id)); // a name wins over another term's synonym
        for (String term : names.keySet()) {
            ancestors.put(term, Collections.unmodifiableSet(walk(term)));
        }
    }

    /** No ontology: labels are related only to themselves. */
    public static CellOntology none() {
        return new CellOntology(new LinkedHashMap<>(), new HashMap<>(), Map.of());
    }

    /** The classpath resource of the committed Cell Ontology extract (see {@link #bundled()}). */
    public static final String BUNDLED_RESOURCE = "/org/liveatlas/core/ontology/cl-pbmc.obo";

    /**
     * The project's committed Cell Ontology extract ({@code cl-pbmc.obo}: the blood terms of the labelled
     * studies and their ancestors, CC BY 4.0), the default of the trainer and of the annotation vote.
     */
    public static CellOntology bundled() {
        try (java.io.InputStream in = CellOntology.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new AtlasException(
                        "the Cell Ontology extract " + BUNDLED_RESOURCE + " is missing from the classpath");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return parse(text.lines().toList(), "cl-pbmc.obo");
        } catch (IOException e) {
            throw new AtlasException(
                    "cannot read the Cell Ontology extract " + BUNDLED_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Reads an OBO file (e.g. {@code cl-basic.obo}). */
    public static CellOntology read(Path obo) {
        try {
            return parse(Files.readAllLines(obo, StandardCharsets.UTF_8), obo.toString());
        } catch (IOException e) {
            throw new AtlasException(
                    obo + ": cannot read the ontology: " + e.getMessage()
                            + "; set the trainer's ontology file to a readable cl-basic.obo or leave it unset",
                    e);
        }
    }

    /** Parses OBO text lines; {@code source} names them in errors. */
    public static CellOntology parse(List<String> lines, String source) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Set<String>> parents = new HashMap<>();
        Map<String, String> synonyms = new HashMap<>();
        String id = null;
        String name = null;
        Set<String> ps = new HashSet<>();
        boolean inTerm = false;
        boolean obsolete = false;
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = stripComment(raw).strip();
            if (line.startsWith("[")) {
                if (inTerm) {
                    add(names, parents, id, name, ps, obsolete, source, lineNo);
                }
                inTerm = line.equals("[Term]");
                id = null;
                name = null;
                ps = new HashSet<>();
                obsolete = false;
                continue;
            }
            if (!inTerm || line.isEmpty()) {
                continue;
            }
            if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("name:")) {
                name = line.substring(5).strip();
            } else if (line.startsWith("is_a:")) {
                ps.add(firstToken(line.substring(5)));
            } else if (line.startsWith("relationship:")) {
                String[] parts = line.substring(13).strip().split("\\s+");
                if (parts.length >= 2) {
                    ps.add(parts[1]);
                }
            } else if (line.startsWith("synonym:") && id != null) {
                String t = line.substring(8).strip();
                int q = t.indexOf('"', 1);
                if (t.startsWith("\"") && q > 0) {
                    synonyms.putIfAbsent(t.substring(1, q), id);
                }
            } else if (line.equals("is_obsolete: true")) {
                obsolete = true;
            }
        }
        if (inTerm) {
            add(names, parents, id, name, ps, obsolete, source, lineNo);
        }
        if (names.isEmpty()) {
            throw new AtlasException(source + ": no [Term] stanza found; is this an OBO file such as cl-basic.obo?");
        }
        // obonet keeps only edges between terms of the file
        parents.values().forEach(set -> set.retainAll(names.keySet()));
        return new CellOntology(names, parents, synonyms);
    }

    private static void add(
            Map<String, String> names,
            Map<String, Set<String>> parents,
            String id,
            String name,
            Set<String> ps,
            boolean obsolete,
            String source,
            int lineNo) {
        if (id == null) {
            throw new AtlasException(source + ": a [Term] ending before line " + lineNo + " has no id: line");
        }
        if (obsolete) {
            return;
        }
        names.put(id, name == null ? id : name);
        parents.put(id, ps);
    }

    private static String stripComment(String line) {
        int bang = line.indexOf(" !");
        return bang >= 0 ? line.substring(0, bang) : line;
    }

    private static String firstToken(String s) {
        String t = s.strip();
        int sp = t.indexOf(' ');
        return sp >= 0 ? t.substring(0, sp) : t;
    }

    private Set<String> walk(String term) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(parents.getOrDefault(term, Set.of()));
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (seen.add(p)) {
                todo.addAll(parents.getOrDefault(p, Set.of()));
            }
        }
        seen.remove(term);
        return seen;
    }

    /** Number of (non-obsolete) terms. */
    public int size() {
        return names.size();
    }

    /** Whether {@code term} is a term of this ontology. */
    public boolean contains(String term) {
        return names.containsKey(term);
    }

    /** The term's name, when the ontology has it. */
    public Optional<String> name(String term) {
        return Optional.ofNullable(names.get(term));
    }

    /**
     * The term whose name, else whose synonym (OBO {@code synonym:} line), is exactly {@code text}:
     * how a label given without an id is placed in the ontology.
     */
    public Optional<String> termNamed(String text) {
        return Optional.ofNullable(byName.get(text));
    }

    /** Every ancestor of {@code term} (not itself); empty for an unknown term. */
    public Set<String> ancestors(String term) {
        return ancestors.getOrDefault(term, Set.of());
    }

    /**
     * Whether {@code a} and {@code b} are equal or one is an ancestor of the other, so that a cell of
     * one must never be a negative for an anchor of the other.
     */
    public boolean related(String a, String b) {
        return a.equals(b) || ancestors(a).contains(b) || ancestors(b).contains(a);
    }
}
