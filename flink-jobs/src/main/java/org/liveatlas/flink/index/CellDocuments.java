package org.liveatlas.flink.index;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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

    /**
     * The JSON source of one cell's document. Written field by field with a streaming generator rather than
     * through a tree: this runs once per cell, and a tree of 128 float nodes per cell was a visible share of
     * the pipeline's own CPU.
     */
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
        StringWriter out = new StringWriter(256 + latent * 14);
        try (JsonGenerator g = Json.mapper().getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("cell_id", cellId);
            g.writeStringField("study_id", study.studyId());
            g.writeStringField("deposit_version", depositVersion);
            writeIfPresent(g, "sample", ObsValues.at(obs.sample(), studyRow));
            writeIfPresent(g, "donor", ObsValues.at(obs.donor(), studyRow));
            writeIfPresent(g, "tissue", study.tissue());
            writeIfPresent(g, "disease", study.disease());
            writeIfPresent(g, "organism", study.organism());
            writeIfPresent(g, "assay", study.assay());
            String label = ObsValues.at(obs.label(), studyRow);
            writeIfPresent(g, "author_label", label);
            writeIfPresent(g, "author_label_ontology_id", ObsValues.at(obs.ontologyId(), studyRow));
            if (vote != null) {
                g.writeStringField("predicted_label", vote.label());
                g.writeNumberField("min_dist", vote.minDist());
                g.writeNumberField("max_dist", vote.maxDist());
                g.writeNumberField("vs2nd", vote.vs2nd());
                g.writeNumberField("vs_all", vote.vsAll());
            }
            g.writeBooleanField("reference", study.reference() && label != null);
            g.writeStringField("model_version", modelVersion);
            g.writeStringField("ingest_time", ingestTime.toString());
            g.writeStringField("visibility", Json.tree(study.visibility()).asText());
            writeIfPresent(g, "owner_group", study.ownerGroup());
            g.writeArrayFieldStart(IndexMappings.VECTOR_FIELD);
            for (int j = 0; j < latent; j++) {
                g.writeNumber(embeddings[row * latent + j]);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the document of cell " + cellId, e);
        }
        return out.toString();
    }

    private static void writeIfPresent(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }
}
