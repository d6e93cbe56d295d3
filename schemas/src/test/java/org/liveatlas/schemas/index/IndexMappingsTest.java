package org.liveatlas.schemas.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexMappingsTest {
    @Test
    void cellsIndexCarriesAnHnswCosineVectorOfTheConfiguredDimensionAndEngine() {
        ObjectNode body = IndexMappings.cellsIndex(new KnnSettings(64, KnnEngine.FAISS, 24, 256, 3, 1));
        JsonNode vector = body.at("/mappings/properties/embedding");
        assertThat(vector.get("type").asText()).isEqualTo("knn_vector");
        assertThat(vector.get("dimension").asInt()).isEqualTo(64);
        assertThat(vector.at("/method/name").asText()).isEqualTo("hnsw");
        assertThat(vector.at("/method/engine").asText()).isEqualTo("faiss");
        assertThat(vector.at("/method/space_type").asText()).isEqualTo("cosinesimil");
        assertThat(vector.at("/method/parameters/m").asInt()).isEqualTo(24);
        assertThat(vector.at("/method/parameters/ef_construction").asInt()).isEqualTo(256);
        assertThat(body.at("/settings/index/knn").asBoolean()).isTrue();
        assertThat(body.at("/settings/index/number_of_shards").asInt()).isEqualTo(3);
        assertThat(body.at("/settings/index/number_of_replicas").asInt()).isEqualTo(1);
    }

    @Test
    void defaultsToLuceneBecauseTheEmbeddedOpenSearchHasNoFaissNatives() {
        JsonNode body = IndexMappings.cellsIndex(KnnSettings.defaults(128));
        assertThat(body.at("/mappings/properties/embedding/method/engine").asText())
                .isEqualTo("lucene");
        assertThat(body.at("/mappings/properties/embedding/dimension").asInt()).isEqualTo(128);
    }

    @Test
    void cellsIndexHasEveryMetadataFieldOfTheArchitectureWithStrictMapping() {
        JsonNode body = IndexMappings.cellsIndex(KnnSettings.defaults(128));
        List<String> fields = new ArrayList<>();
        body.at("/mappings/properties").fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .contains(
                        "study_id",
                        "sample",
                        "donor",
                        "tissue",
                        "disease",
                        "organism",
                        "assay",
                        "author_label",
                        "author_label_ontology_id",
                        "predicted_label",
                        "min_dist",
                        "vs2nd",
                        "vs_all",
                        "reference",
                        "model_version",
                        "ingest_time",
                        "visibility",
                        "owner_group",
                        "embedding");
        assertThat(body.at("/mappings/dynamic").asText()).isEqualTo("strict");
    }

    @Test
    void eachCallReturnsAFreshDocument() {
        ObjectNode first = IndexMappings.cellsIndex(KnnSettings.defaults(8));
        first.remove("mappings");
        assertThat(IndexMappings.cellsIndex(KnnSettings.defaults(8)).has("mappings"))
                .isTrue();
    }

    @Test
    void namesCellsIndexesPerModelVersionAndRejectsBadSettings() {
        assertThat(IndexMappings.cellsIndexName("M-2026.1")).isEqualTo("cells-m-2026.1");
        assertThat(IndexMappings.studiesIndex(1, 0)
                        .at("/mappings/properties/state/type")
                        .asText())
                .isEqualTo("keyword");
        assertThatThrownBy(() -> IndexMappings.cellsIndexName("a b")).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> new KnnSettings(0, KnnEngine.LUCENE, 16, 128, 1, 0))
                .hasMessageContaining("dimension 0");
        assertThatThrownBy(() -> new KnnSettings(128, null, 16, 128, 1, 0)).hasMessageContaining("lucene");
    }
}
