package org.liveatlas.query.studies;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A study as the studies index holds it: what it is, who may see it, where its ingestion stands and
 * its QC tally ({@code cells_total} read, {@code cells_kept} after QC, {@code cells_indexed}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StudyDocument(
        @JsonProperty("study_id") String studyId,
        @JsonProperty("deposit_version") String depositVersion,
        @JsonProperty("title") String title,
        @JsonProperty("description") String description,
        @JsonProperty("organism") String organism,
        @JsonProperty("tissue") String tissue,
        @JsonProperty("disease") String disease,
        @JsonProperty("assay") String assay,
        @JsonProperty("reference") Boolean reference,
        @JsonProperty("visibility") String visibility,
        @JsonProperty("owner_group") String ownerGroup,
        @JsonProperty("state") String state,
        @JsonProperty("state_time") String stateTime,
        @JsonProperty("reason") String reason,
        @JsonProperty("deposited_at") String depositedAt,
        @JsonProperty("model_version") String modelVersion,
        @JsonProperty("cells_total") Long cellsTotal,
        @JsonProperty("cells_read") Long cellsRead,
        @JsonProperty("cells_kept") Long cellsKept,
        @JsonProperty("cells_embedded") Long cellsEmbedded,
        @JsonProperty("cells_indexed") Long cellsIndexed) {}
