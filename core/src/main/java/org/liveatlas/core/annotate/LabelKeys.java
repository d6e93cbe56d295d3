package org.liveatlas.core.annotate;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How reference labels are harmonised before they vote: a reference cell whose study carries a Cell
 * Ontology id votes by that id, otherwise by its normalised author label. So "CD4-positive,
 * alpha-beta T cell" of one study and "CD4 T cell" of another vote together when both carry
 * {@code CL:0000624}, and "CD4 T cell", " cd4  T cell" of two studies without ids vote together.
 *
 * <p>Ids are normalised to the OBO form {@code PREFIX:LOCAL} (an underscore form such as {@code
 * CL_0000624}, as in CELLxGENE's URIs, becomes {@code CL:0000624}; the prefix is upper-cased). Texts are
 * trimmed, runs of white space become one space, and case is ignored.
 */
public final class LabelKeys {
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern UNDERSCORE_ID = Pattern.compile("([A-Za-z]+)_(\\d+)");

    private LabelKeys() {}

    /** The normalised ontology id, or null when {@code id} is null or blank. */
    public static String ontologyId(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        String t = id.strip();
        int slash = t.lastIndexOf('/');
        if (slash >= 0) {
            t = t.substring(slash + 1); // an OBO PURL: http://purl.obolibrary.org/obo/CL_0000624
        }
        var m = UNDERSCORE_ID.matcher(t);
        if (m.matches()) {
            t = m.group(1) + ":" + m.group(2);
        }
        int colon = t.indexOf(':');
        return colon > 0 ? t.substring(0, colon).toUpperCase(Locale.ROOT) + t.substring(colon) : t;
    }

    /** The normalised author label, or null when {@code label} is null or blank. */
    public static String text(String label) {
        if (label == null || label.isBlank()) {
            return null;
        }
        return SPACES.matcher(label.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /**
     * The key a reference cell votes with: its normalised ontology id when it has one, otherwise its
     * normalised author label; null when it has neither (such a cell does not vote).
     */
    public static String key(String authorLabel, String ontologyId) {
        String id = ontologyId(ontologyId);
        return id != null ? id : text(authorLabel);
    }
}
