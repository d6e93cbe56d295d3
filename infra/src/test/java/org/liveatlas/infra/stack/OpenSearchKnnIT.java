package org.liveatlas.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.liveatlas.infra.testing.AtlasStackExtension;
import org.liveatlas.infra.testing.TestStack;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

@ExtendWith(AtlasStackExtension.class)
class OpenSearchKnnIT {
    private static final int DIM = 16;
    private static OpenSearchClient client;

    /** A cell document as the k-NN index stores it. */
    public record CellDoc(String study, String tissue, float[] embedding) {}

    @BeforeAll
    static void connect(TestStack stack) throws Exception {
        client = new OpenSearchClient(ApacheHttpClient5TransportBuilder.builder(HttpHost.create(stack.openSearchUrl()))
                .setMapper(new JacksonJsonpMapper())
                .build());
    }

    @AfterAll
    static void close() throws Exception {
        client._transport().close();
    }

    @Test
    void filteredKnnQueryReturnsTheNearestCellsOfTheFilteredStudyOnly(TestStack stack) throws Exception {
        String index = stack.unique("cells");
        client.indices().create(c -> c.index(index)
                .settings(s -> s.knn(true).numberOfShards(1).numberOfReplicas(0))
                .mappings(m -> m.properties("study", p -> p.keyword(k -> k))
                        .properties("tissue", p -> p.keyword(k -> k))
                        .properties(
                                "embedding",
                                p -> p.knnVector(k -> k.dimension(DIM).method(method -> method.name("hnsw")
                                        .engine("lucene")
                                        .spaceType("cosinesimil")
                                        .parameters(
                                                Map.of("m", JsonData.of(16), "ef_construction", JsonData.of(100))))))));

        Random rnd = new Random(42);
        List<float[]> vectors = new ArrayList<>();
        BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.True);
        for (int i = 0; i < 400; i++) {
            float[] v = unit(rnd);
            vectors.add(v);
            CellDoc doc = new CellDoc(i % 2 == 0 ? "S-even" : "S-odd", i % 3 == 0 ? "blood" : "lung", v);
            String id = doc.study() + ":" + i;
            bulk.operations(op -> op.index(x -> x.index(index).id(id).document(doc)));
        }
        BulkResponse r = client.bulk(bulk.build());
        assertThat(r.errors()).as("bulk errors: %s", r.items()).isFalse();
        assertThat(client.count(c -> c.index(index)).count()).isEqualTo(400);

        // query with a vector close to cell 7 (an odd one), but filter to the even study
        float[] q = vectors.get(7).clone();
        List<Float> qv = new ArrayList<>();
        for (float x : q) {
            qv.add(x);
        }
        SearchResponse<CellDoc> filtered = client.search(
                s -> s.index(index)
                        .size(10)
                        .query(qq -> qq.knn(k -> k.field("embedding")
                                .vector(qv)
                                .k(10)
                                .filter(f -> f.term(t -> t.field("study").value(FieldValue.of("S-even")))))),
                CellDoc.class);
        assertThat(filtered.hits().hits()).hasSize(10);
        assertThat(filtered.hits().hits())
                .allSatisfy(h -> assertThat(h.source().study()).isEqualTo("S-even"));

        SearchResponse<CellDoc> unfiltered = client.search(
                s -> s.index(index)
                        .size(5)
                        .query(qq -> qq.knn(k -> k.field("embedding").vector(qv).k(5))),
                CellDoc.class);
        Hit<CellDoc> top = unfiltered.hits().hits().get(0);
        assertThat(top.id()).isEqualTo("S-odd:7");
        // lucene cosinesimil scores are (1 + cos) / 2: the identical vector scores 1
        assertThat(top.score()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));

        // exact check of the filtered top hit against brute force over the even cells
        int best = -1;
        double bestCos = -2;
        for (int i = 0; i < vectors.size(); i += 2) {
            double c = dot(q, vectors.get(i));
            if (c > bestCos) {
                bestCos = c;
                best = i;
            }
        }
        assertThat(filtered.hits().hits().get(0).id()).isEqualTo("S-even:" + best);
    }

    private static float[] unit(Random rnd) {
        float[] v = new float[DIM];
        double n = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) rnd.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
