package org.liveatlas.query.reference;

import java.util.List;
import java.util.Objects;

/**
 * The labelled reference cells of one study version as read from a cells index: their embeddings
 * (row-major, {@code dim} wide), author labels and ontology ids, and the study's visibility.
 *
 * @param studyId the study
 * @param depositVersion the deposit version the cells belong to
 * @param visibility {@code public} or {@code private}
 * @param ownerGroup the owner group of a private study (null for public ones)
 * @param vectors one unit vector per cell
 * @param authorLabels one label per cell (null where the cell has none)
 * @param ontologyIds one ontology id per cell (null where the study carries none)
 */
record StudyRows(
        String studyId,
        String depositVersion,
        String visibility,
        String ownerGroup,
        List<float[]> vectors,
        List<String> authorLabels,
        List<String> ontologyIds) {

    StudyRows {
        Objects.requireNonNull(studyId, "studyId");
        if (vectors.size() != authorLabels.size() || vectors.size() != ontologyIds.size()) {
            throw new IllegalArgumentException("study " + studyId + ": " + vectors.size() + " vectors, "
                    + authorLabels.size() + " labels, " + ontologyIds.size() + " ontology ids");
        }
    }

    int size() {
        return vectors.size();
    }
}
