package org.liveatlas.schemas.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The stages a study passes through; {@link #INDEXED}, {@link #QUARANTINED} and {@link #WITHDRAWN} are final for a version. */
public enum StudyState {
    @JsonProperty("received")
    RECEIVED,
    @JsonProperty("validating")
    VALIDATING,
    @JsonProperty("indexing")
    INDEXING,
    @JsonProperty("indexed")
    INDEXED,
    @JsonProperty("quarantined")
    QUARANTINED,
    @JsonProperty("withdrawn")
    WITHDRAWN;

    /** True when nothing more happens to this deposit version. */
    public boolean isFinal() {
        return this == INDEXED || this == QUARANTINED || this == WITHDRAWN;
    }
}
