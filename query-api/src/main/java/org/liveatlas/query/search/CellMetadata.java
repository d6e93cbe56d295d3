package org.liveatlas.query.search;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A cell's metadata as the cells index stores it (the embedding left out). Absent fields are null. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CellMetadata(
        @JsonProperty("cell_id") String cellId,
        @JsonProperty("study_id") String studyId,
        @JsonProperty("sample") String sample,
        @JsonProperty("donor") String donor,
        @JsonProperty("tissue") String tissue,
        @JsonProperty("disease") String disease,
        @JsonProperty("organism") String organism,
        @JsonProperty("assay") String assay,
        @JsonProperty("author_label") String authorLabel,
        @JsonProperty("author_label_ontology_id") String authorLabelOntologyId,
        @JsonProperty("predicted_label") String predictedLabel,
        @JsonProperty("min_dist") Double minDist,
        @JsonProperty("reference") Boolean reference,
        @JsonProperty("model_version") String modelVersion,
        @JsonProperty("ingest_time") String ingestTime,
        @JsonProperty("visibility") String visibility,
        @JsonProperty("deposit_version") String depositVersion) {}
