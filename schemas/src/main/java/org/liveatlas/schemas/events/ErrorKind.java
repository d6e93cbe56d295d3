package org.liveatlas.schemas.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a failure must be treated: poison (never retry), transient (retry with backoff), fatal (stop and fix). */
public enum ErrorKind {
    @JsonProperty("poison")
    POISON,
    @JsonProperty("transient")
    TRANSIENT,
    @JsonProperty("fatal")
    FATAL
}
