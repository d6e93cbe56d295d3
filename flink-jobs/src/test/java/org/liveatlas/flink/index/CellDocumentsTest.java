package org.liveatlas.flink.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.schemas.Json;
import org.liveatlas.schemas.study.ObsColumns;
import org.liveatlas.schemas.study.StudyMetadata;
import org.liveatlas.schemas.study.Visibility;

class CellDocumentsTest {
    private static final StudyMetadata STUDY = new StudyMetadata(
            1,
            "s1",
            "title",
            null,
            "human",
            "blood",
            null,
            "10x",
            new ObsColumns("donor", null, "label", null),
            true,
            Visibility.PRIVATE,
            "lab-a");

    @Test
    void aDocumentCarriesTheCellsMetadataVoteAndItsRowOfTheEmbeddingsExactly() throws Exception {
        float[] emb = {0.1f, -0.2f, 0.3f, 1f / 3, -0.0000012345f, 0.6f};
        CellVote vote = new CellVote("T cell", "T cell", false, 0.1, 0.4, 0.5, 0.8, 0.5, 0.8, Map.of(), Map.of(), 10);
        CellDocuments.ObsValues obs =
                new CellDocuments.ObsValues(List.of("d0", "d1"), null, List.of("B cell", ""), null);
        JsonNode d = Json.mapper()
                .readTree(CellDocuments.document(
                        STUDY, "v1", "m1", "c1", 0, obs, emb, 1, 3, vote, Instant.parse("2026-11-25T12:00:00Z")));
        assertThat(d.path("cell_id").asText()).isEqualTo("c1");
        assertThat(d.path("study_id").asText()).isEqualTo("s1");
        assertThat(d.path("deposit_version").asText()).isEqualTo("v1");
        assertThat(d.path("donor").asText()).isEqualTo("d0");
        assertThat(d.has("sample")).isFalse();
        assertThat(d.has("disease")).isFalse();
        assertThat(d.path("author_label").asText()).isEqualTo("B cell");
        assertThat(d.path("reference").asBoolean()).isTrue();
        assertThat(d.path("predicted_label").asText()).isEqualTo("T cell");
        assertThat(d.path("vs_all").asDouble()).isEqualTo(0.8);
        assertThat(d.path("model_version").asText()).isEqualTo("m1");
        assertThat(d.path("visibility").asText()).isEqualTo("private");
        assertThat(d.path("owner_group").asText()).isEqualTo("lab-a");
        assertThat(d.path("ingest_time").asText()).isEqualTo("2026-11-25T12:00:00Z");
        float[] got = new float[3];
        for (int j = 0; j < 3; j++) {
            got[j] = d.path("embedding").get(j).floatValue();
        }
        assertThat(got).containsExactly(Arrays.copyOfRange(emb, 3, 6));
    }

    @Test
    void aCellWithoutLabelOrVoteIsNoReferenceCellAndHasNoPrediction() throws Exception {
        CellDocuments.ObsValues obs = new CellDocuments.ObsValues(null, null, List.of(""), null);
        JsonNode d = Json.mapper()
                .readTree(CellDocuments.document(
                        STUDY, "v1", "m1", "c1", 0, obs, new float[] {1, 0}, 0, 2, null, Instant.EPOCH));
        assertThat(d.has("author_label")).isFalse();
        assertThat(d.has("predicted_label")).isFalse();
        assertThat(d.path("reference").asBoolean()).isFalse();
    }
}
