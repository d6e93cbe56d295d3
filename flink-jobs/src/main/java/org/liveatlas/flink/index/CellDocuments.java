package org.liveatlas.flink.index;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.index.IndexMappings;
import org.liveatlas.schemas.study.StudyMetadata;

/** Builds the cells-index document of one cell (fields as in the schemas' {@code cells.index.json}). */
public final class CellDocuments {
    private CellDocuments() {}

    /** Document id: {@code <study>:<cell>}, so that a replay overwrites instead of duplicating. */
    public static String id(String studyId, String cellId) {
        return studyId + ":" + cellId;
    }

    /**
     * Per-cell values read from the study's obs columns; any list may be null when the study names no column.
     */
    public record ObsValues(List<String> donor, List<String> sample, List<String> label, List<String> ontologyId) {
        static String at(List<String> column, int row) {
            if (column == null) {
                return null;
            }
            String v = column.get(row);
            return v == null || v.isEmpty() ? null : v;
        }
    }

    /** The JSON source of one cell's document. */
    public static String document(
            StudyMetadata study,
            String depositVersion,
            String modelVersion,
            String cellId,
            int studyRow,
            ObsValues obs,
            float[] embeddings,
            int row,
            int latent,
            CellVote vote,
            Instant ingestTime) {
        ObjectNode d = Json.mapper().createObjectNode();
        d.put("cell_id", cellId);
        d.put("study_id", study.studyId());
        d.put("deposit_version", depositVersion);
        putIfPresent(d, "sample", ObsValues.at(obs.sample(), studyRow));
        putIfPresent(d, "donor", ObsValues.at(obs.donor(), studyRow));
        putIfPresent(d, "tissue", study.tissue());
        putIfPresent(d, "disease", study.disease());
        putIfPresent(d, "organism", study.organism());
        putIfPresent(d, "assay", study.assay());
        String label = ObsValues.at(obs.label(), studyRow);
        putIfPresent(d, "author_label", label);
        putIfPresent(d, "author_label_ontology_id", ObsValues.at(obs.ontologyId(), studyRow));
        if (vote != null) {
            d.put("predicted_label", vote.label());
            d.put("min_dist", vote.minDist());
            d.put("max_dist", vote.maxDist());
            d.put("vs2nd", vote.vs2nd());
            d.put("vs_all", vote.vsAll());
        }
        d.put("reference", study.reference() && label != null);
        d.put("model_version", modelVersion);
        d.put("ingest_time", ingestTime.toString());
        d.put("visibility", Json.tree(study.visibility()).asText());
        putIfPresent(d, "owner_group", study.ownerGroup());
        ArrayNode v = d.putArray(IndexMappings.VECTOR_FIELD);
        for (int j = 0; j < latent; j++) {
            v.add(embeddings[row * latent + j]);
        }
        return Json.write(d);
    }

    private static void putIfPresent(ObjectNode d, String field, String value) {
        if (value != null) {
            d.put(field, value);
        }
    }
}
