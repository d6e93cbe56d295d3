package org.liveatlas.schemas.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the ingest service learned of a deposit. */
public enum DepositSource {
    /** Found by listing the bucket (stores without notifications). */
    @JsonProperty("scanner")
    SCANNER,
    /** Triggered by a MinIO bucket notification. */
    @JsonProperty("notification")
    NOTIFICATION,
    /** Uploaded by {@code atlas deposit} (tagged in the study.json object's metadata). */
    @JsonProperty("cli")
    CLI
}
