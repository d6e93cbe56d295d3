package org.liveatlas.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.liveatlas.core.encoder.PyTorchRuntime;
import org.liveatlas.core.encoder.ScimilarityNetwork;
import org.liveatlas.core.model.Architecture;
import org.liveatlas.core.model.StateDict;
import org.liveatlas.core.model.Tensor;
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

    /** The encoder of the fixture, with the weights SCimilarity's own {@code Encoder} held there. */
    static ScimilarityNetwork fixtureEncoder(NDManager m) {
        List<Integer> hidden = new ArrayList<>();
        fixture.get("encoder_hidden").forEach(h -> hidden.add(h.asInt()));
        ScimilarityNetwork encoder = ScimilarityNetwork.encoder(new Architecture(
                fixture.get("genes").asInt(), hidden, fixture.get("dim").asInt()));
        encoder.initialize(m);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        fixture.get("encoder_state_dict").fields().forEachRemaining(e -> {
            int[] shape = new int[e.getValue().get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.getValue().get("shape").get(i).asInt();
            }
            tensors.put(e.getKey(), Tensor.ofFloats(shape, floats(e.getValue().get("values"))));
        });
        encoder.load(new StateDict(tensors));
        return encoder;
    }

    static MetricLoss fixtureLoss(TripletDistance distance) {
        return new MetricLoss(
                fixture.get("triplet_weight").asDouble(),
                fixture.get("margin").asDouble(),
                fixture.get("l1").asDouble(),
                distance);
    }

    @ParameterizedTest
    @EnumSource(TripletDistance.class)
    void matchesScimilarityLossPartsAndGradients(TripletDistance distance) {
        JsonNode expected = fixture.get("cases").get(distance.name());
        int n = fixture.get("n").asInt();
        int dim = fixture.get("dim").asInt();
        int genes = fixture.get("genes").asInt();
        MetricLoss loss = fixtureLoss(distance);
        PyTorchRuntime.engine();
        try (NDManager m = NDManager.newBaseManager(PyTorchRuntime.ENGINE)) {
            NDArray emb = m.create(floats(fixture.get("embeddings")), new Shape(n, dim));
            NDArray x = m.create(floats(fixture.get("input")), new Shape(n, genes));
            NDArray recon = m.create(floats(fixture.get("reconstruction")), new Shape(n, genes));
            List<NDArray> penalised = MetricLoss.l1Parameters(fixtureEncoder(m));
            emb.setRequiresGradient(true);
            recon.setRequiresGradient(true);
            penalised.forEach(p -> p.setRequiresGradient(true));
            LossParts parts;
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                parts = loss.compute(
                        x,
                        emb,
                        recon,
                        triplets(fixture.get("triplets")),
                        penalised,
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
            // the penalty is ~3e-6: compare it relatively (float32 sums, 1e-5 of its value)
            double l1 = expected.get("l1").asDouble();
            assertThat((double) parts.l1().getFloat()).isCloseTo(l1, within(l1 * 1e-5));
            assertThat((double) parts.total().getFloat())
                    .isCloseTo(expected.get("total").asDouble(), within(1e-5));
            assertThat(emb.getGradient().toFloatArray())
                    .containsExactly(floats(expected.get("grad_embeddings")), within(1e-5f));
            assertThat(recon.getGradient().toFloatArray())
                    .containsExactly(floats(expected.get("grad_reconstruction")), within(1e-5f));
            assertThat(penalised.get(0).getGradient().toFloatArray())
                    .containsExactly(floats(expected.get("grad_l1_weight")), within(1e-9f));
        }
    }

    @Test
    void l1CoversTheLayerScimilaritysLoopReachesNotTheFirstLinear() {
        PyTorchRuntime.engine();
        try (NDManager m = NDManager.newBaseManager(PyTorchRuntime.ENGINE)) {
            ScimilarityNetwork encoder = fixtureEncoder(m);
            List<String> reached = new ArrayList<>();
            fixture.get("cases").get("EUCLIDEAN").get("l1_parameters").forEach(p -> reached.add(p.asText()));
            assertThat(MetricLoss.l1ParameterNames(encoder)).isEqualTo(reached);

            MetricLoss loss = fixtureLoss(TripletDistance.EUCLIDEAN);
            double lr = fixture.get("lr").asDouble();
            double scimilarity = fixture.get("cases").get("EUCLIDEAN").get("l1").asDouble();
            double firstOnly = fixture.get("l1_first_layer_only").asDouble();
            // the fixture separates the two readings by far more than the tolerance
            assertThat(Math.abs(scimilarity - firstOnly)).isGreaterThan(1000 * scimilarity * 1e-5);
            List<NDArray> firstLinear = List.of(
                    encoder.parameters().get("network.0.1.weight").getArray(),
                    encoder.parameters().get("network.0.1.bias").getArray());
            assertThat((double) l1Of(loss, m, firstLinear, lr)).isCloseTo(firstOnly, within(firstOnly * 1e-5));
            assertThat((double) l1Of(loss, m, MetricLoss.l1Parameters(encoder), lr))
                    .isCloseTo(scimilarity, within(scimilarity * 1e-5));
        }
    }

    @Test
    void l1PenaltyIsOnlyForAnEncoder() {
        ScimilarityNetwork decoder = ScimilarityNetwork.decoder(new Architecture(6, List.of(8, 5), 4));
        assertThatThrownBy(() -> MetricLoss.l1ParameterNames(decoder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder");
    }

    private static float l1Of(MetricLoss loss, NDManager m, List<NDArray> params, double lr) {
        NDArray one = m.create(new float[] {0.5f, 0.5f}, new Shape(1, 2));
        NDArray emb = m.create(new float[] {1, 0}, new Shape(1, 2));
        return loss.compute(one, emb, one, new Triplets(new int[0], new int[0], new int[0], 0, 0), params, lr)
                .l1()
                .getFloat();
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
