package org.liveatlas.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.liveatlas.core.encoder.PyTorchRuntime;
import org.liveatlas.trainer.mining.Triplets;

class MetricLossTest {

    private static JsonNode fixture;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = MetricLossTest.class.getResourceAsStream("/loss/loss_fixture.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
    }

    static float[] floats(JsonNode n) {
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    static Triplets triplets(JsonNode list) {
        int k = list.size();
        int[] a = new int[k];
        int[] p = new int[k];
        int[] n = new int[k];
        for (int i = 0; i < k; i++) {
            a[i] = list.get(i).get(0).asInt();
            p[i] = list.get(i).get(1).asInt();
            n[i] = list.get(i).get(2).asInt();
        }
        return new Triplets(a, p, n, 0, 0);
    }

    @ParameterizedTest
    @EnumSource(TripletDistance.class)
    void matchesPyTorchLossPartsAndGradients(TripletDistance distance) {
        JsonNode expected = fixture.get("cases").get(distance.name());
        int n = fixture.get("n").asInt();
        int dim = fixture.get("dim").asInt();
        int genes = fixture.get("genes").asInt();
        int hidden = fixture.get("hidden").asInt();
        MetricLoss loss = new MetricLoss(
                fixture.get("triplet_weight").asDouble(),
                fixture.get("margin").asDouble(),
                fixture.get("l1").asDouble(),
                distance);
        PyTorchRuntime.engine();
        try (NDManager m = NDManager.newBaseManager(PyTorchRuntime.ENGINE)) {
            NDArray emb = m.create(floats(fixture.get("embeddings")), new Shape(n, dim));
            NDArray x = m.create(floats(fixture.get("input")), new Shape(n, genes));
            NDArray recon = m.create(floats(fixture.get("reconstruction")), new Shape(n, genes));
            NDArray w = m.create(floats(fixture.get("first_weight")), new Shape(hidden, genes));
            NDArray b = m.create(floats(fixture.get("first_bias")), new Shape(hidden));
            emb.setRequiresGradient(true);
            recon.setRequiresGradient(true);
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            LossParts parts;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                parts = loss.compute(
                        x,
                        emb,
                        recon,
                        triplets(fixture.get("triplets")),
                        List.of(w, b),
                        fixture.get("lr").asDouble());
                gc.backward(parts.total());
            }
            assertThat(loss.tripletLosses(emb, triplets(fixture.get("triplets")))
                            .toFloatArray())
                    .containsExactly(floats(expected.get("per_triplet")), within(1e-5f));
            assertThat((double) parts.triplet().getFloat())
                    .isCloseTo(expected.get("triplet").asDouble(), within(1e-5));
            assertThat((double) parts.mse().getFloat())
                    .isCloseTo(expected.get("mse").asDouble(), within(1e-5));
            assertThat((double) parts.mixed().getFloat())
                    .isCloseTo(expected.get("mixed").asDouble(), within(1e-5));
            assertThat((double) parts.l1().getFloat())
                    .isCloseTo(expected.get("l1").asDouble(), within(1e-7));
            assertThat((double) parts.total().getFloat())
                    .isCloseTo(expected.get("total").asDouble(), within(1e-5));
            assertThat(emb.getGradient().toFloatArray())
                    .containsExactly(floats(expected.get("grad_embeddings")), within(1e-5f));
            assertThat(recon.getGradient().toFloatArray())
                    .containsExactly(floats(expected.get("grad_reconstruction")), within(1e-5f));
            assertThat(w.getGradient().toFloatArray())
                    .containsExactly(floats(expected.get("grad_first_weight")), within(1e-5f));
        }
    }

    @ParameterizedTest
    @EnumSource(TripletDistance.class)
    void batchWithoutTripletsUsesScimilaritysPlaceholderTriplet(TripletDistance distance) {
        MetricLoss loss = new MetricLoss(0.001, 0.05, 0, distance);
        PyTorchRuntime.engine();
        try (NDManager m = NDManager.newBaseManager(PyTorchRuntime.ENGINE)) {
            NDArray emb = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            NDArray value = loss.tripletLosses(emb, new Triplets(new int[0], new int[0], new int[0], 0, 0));
            // (0, 0, 0): both distances equal, so the loss is the margin whatever the distance
            assertThat(value.toFloatArray()).containsExactly(new float[] {0.05f}, within(1e-6f));
        }
    }
}
