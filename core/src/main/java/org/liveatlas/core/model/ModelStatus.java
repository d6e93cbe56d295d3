package org.liveatlas.core.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a model version is in its life: trained but not yet judged, serving, or set aside. */
public enum ModelStatus {
    /** Imported from a published SCimilarity folder, not trained here. */
    IMPORTED,
    /** Trained, awaiting evaluation. */
    CANDIDATE,
    /** Passed evaluation; may serve queries. */
    PUBLISHED,
    /** Failed evaluation; kept for the record, never served. */
    REJECTED,
    /** Replaced by a newer published version. */
    RETIRED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
