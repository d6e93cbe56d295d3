package org.liveatlas.flink.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.liveatlas.core.annotate.CellVote;
import org.liveatlas.core.ontology.CellOntology;
import org.liveatlas.flink.opensearch.IndexManager;
import org.liveatlas.flink.opensearch.OpenSearchEndpoint;
import org.liveatlas.flink.opensearch.OpenSearchHttp;
import org.liveatlas.flink.opensearch.RetryPolicy;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.liveatlas.schemas.index.KnnSettings;

/**
 * The pipeline's predicted labels vote harmonised, as the query API's annotation does: two reference studies
 * naming CD8 T cells differently under one Cell Ontology id vote as one label shown by the ontology's name,
 * and author labels differing only in case and spaces vote together, on both the exact in-memory path and
 * the k-NN path, against a real OpenSearch.
 */
@ExtendWith(AtlasStackExtension.class)
class ReferenceAnnotatorIT {
    private static final int DIM = 4;

    @Test
    void studiesNamingOneCellTypeTwoWaysVoteAsOneLabelOnBothPaths(TestStack stack) throws Exception {
        try (OpenSearchHttp http = OpenSearchHttp.connect(OpenSearchEndpoint.of(stack.openSearchUrl()))) {
            IndexManager indexes = new IndexManager(http, stack.unique("ref") + "-");
            String index = indexes.ensureCellsIndex("m1", KnnSettings.defaults(DIM));
            StringBuilder bulk = new StringBuilder();
            int n = 0;
            // study a: "CD8 T" and study b: "cytotoxic T", both CL:0000625, near e0; study c: "B cell"/"b  Cell" near
            // e1
            for (int i = 0; i < 3; i++) {
                n = doc(bulk, index, "a", n, "CD8 T", "CL:0000625", new float[] {1, 0.01f * i, 0, 0});
                n = doc(bulk, index, "b", n, "cytotoxic T", "CL_0000625", new float[] {1, 0, 0.01f * i, 0});
                n = doc(bulk, index, "c", n, i == 0 ? "b  Cell" : "B cell", null, new float[] {0, 1, 0, 0.01f * i});
            }
            n = doc(bulk, index, "c", n, "B cell", null, new float[] {0, 1, 0.02f, 0});
            assertThat(http.sendNdjson("POST", "/_bulk?refresh=true", bulk.toString())
                            .ok())
                    .isTrue();
            String cd8 = CellOntology.bundled().name("CL:0000625").orElseThrow();
            float[] queries = {1, 0.005f, 0.005f, 0, 0, 1, 0, 0.005f};
            for (long exactMax : new long[] {1_000, 0}) {
                ReferenceAnnotator annotator = new ReferenceAnnotator(http, 6, 16, exactMax, RetryPolicy.DEFAULT);
                List<CellVote> votes = annotator.annotate(index, "query", queries, 2, DIM);
                annotator.close();
                String path = exactMax > 0 ? "exact" : "k-NN";
                assertThat(votes.get(0).votedLabel()).as(path).isEqualTo(cd8);
                assertThat(votes.get(0).hits()).as(path).containsExactly(Map.entry(cd8, 6));
                assertThat(votes.get(0).vsAll()).as(path).isEqualTo(1.0);
                assertThat(votes.get(1).votedLabel()).as(path).isEqualTo("B cell");
                assertThat(votes.get(1).hits()).as(path).containsEntry("B cell", 4);
            }
        }
    }

    private static int doc(StringBuilder bulk, String index, String study, int n, String label, String id, float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        StringBuilder vector = new StringBuilder();
        for (int j = 0; j < v.length; j++) {
            vector.append(j == 0 ? "" : ",").append(v[j] / Math.sqrt(norm));
        }
        bulk.append("{\"index\":{\"_index\":\"")
                .append(index)
                .append("\",\"_id\":\"")
                .append(study)
                .append(':')
                .append(n)
                .append("\"}}\n{\"study_id\":\"")
                .append(study)
                .append("\",\"cell_id\":\"")
                .append(n)
                .append("\",\"reference\":true,\"author_label\":\"")
                .append(label)
                .append('"')
                .append(id == null ? "" : ",\"author_label_ontology_id\":\"" + id + "\"")
                .append(",\"embedding\":[")
                .append(vector)
                .append("]}\n");
        return n + 1;
    }
}
