package org.liveatlas.schemas.study;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who may see a study's cells: everyone, or only its owner group. */
public enum Visibility {
    @JsonProperty("public")
    PUBLIC,
    @JsonProperty("private")
    PRIVATE
}
