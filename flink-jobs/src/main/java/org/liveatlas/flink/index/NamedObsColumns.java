package org.liveatlas.flink.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.liveatlas.schemas.study.ObsColumns;

/**
 * The obs columns a study.json names ({@code columns.cellTypeLabel}, {@code cellOntologyId}, {@code donor},
 * {@code sample}) checked against the columns its file has. A named column the file lacks is poison: indexed
 * anyway, a reference study would lend no labels and its cells would carry no author label or donor, with nothing
 * to tell the depositor why.
 */
final class NamedObsColumns {
    /** Beyond this many, the file's columns are summarised in the reason rather than listed. */
    static final int LISTED_COLUMNS = 20;

    private NamedObsColumns() {}

    /**
     * The reason to quarantine a study whose file lacks a column its study.json names, or empty when every named
     * column is there (or none is named).
     *
     * @param studyId the study id
     * @param columns the study.json's {@code columns}, or null
     * @param present the file's obs column names
     * @param file how to name the file in the reason
     */
    static Optional<String> problem(String studyId, ObsColumns columns, List<String> present, String file) {
        if (columns == null) {
            return Optional.empty();
        }
        List<Missing> missing = new ArrayList<>();
        check("cellTypeLabel", columns.cellTypeLabel(), present, missing);
        check("cellOntologyId", columns.cellOntologyId(), present, missing);
        check("donor", columns.donor(), present, missing);
        check("sample", columns.sample(), present, missing);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        List<String> named = missing.stream()
                .map(m -> m.key() + " column '" + m.name() + "'")
                .toList();
        List<String> keys = missing.stream().map(m -> "columns." + m.key()).toList();
        boolean one = missing.size() == 1;
        return Optional.of("study " + studyId + ": study.json names " + enumerate(named) + ", but " + file
                + " has no such obs column" + (one ? "" : "s") + " (" + existing(present) + "); fix study.json's "
                + enumerate(keys) + " or the file, and deposit again");
    }

    /** A study.json key and the column it names. */
    private record Missing(String key, String name) {}

    private static void check(String key, String name, List<String> present, List<Missing> missing) {
        if (name != null && !present.contains(name)) {
            missing.add(new Missing(key, name));
        }
    }

    private static String existing(List<String> present) {
        if (present.isEmpty()) {
            return "it has no obs columns";
        }
        if (present.size() <= LISTED_COLUMNS) {
            return "its columns: " + String.join(", ", present);
        }
        return "its columns: " + String.join(", ", present.subList(0, LISTED_COLUMNS)) + " and "
                + (present.size() - LISTED_COLUMNS) + " more";
    }

    private static String enumerate(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }
}
